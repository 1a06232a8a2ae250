"""The rule registry: every finding kind, its stable code and how it is judged.

Codes are never reused. A renamed or retired code stays in REDIRECTS so that baselines, ignore
entries and links keep working.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from . import (
    check_extra,
    check_mismatch,
    check_missing,
    column_extra,
    column_missing,
    column_name_style,
    default_mismatch,
    enum_label_extra,
    enum_label_missing,
    foreign_key_extra,
    foreign_key_mismatch,
    foreign_key_missing,
    foreign_key_target_case,
    foreign_key_target_missing,
    foreign_key_type_mismatch,
    index_extra,
    index_missing,
    mixed_naming_convention,
    nullable_mismatch,
    primary_key_mismatch,
    table_extra,
    table_missing,
    table_name_case,
    type_mismatch,
    unique_extra,
    unique_missing,
)

if TYPE_CHECKING:
    from ..drift.diff import Change
    from .findings import Finding, Rule

RULES: tuple[Rule, ...] = tuple(
    m.RULE
    for m in (
        table_missing,
        table_extra,
        column_missing,
        column_extra,
        type_mismatch,
        nullable_mismatch,
        default_mismatch,
        primary_key_mismatch,
        index_missing,
        index_extra,
        unique_missing,
        unique_extra,
        foreign_key_missing,
        foreign_key_extra,
        foreign_key_mismatch,
        check_missing,
        check_extra,
        check_mismatch,
        enum_label_missing,
        enum_label_extra,
        foreign_key_target_case,
        table_name_case,
        column_name_style,
        foreign_key_target_missing,
        foreign_key_type_mismatch,
        mixed_naming_convention,
    )
)

BY_KIND: dict[str, Rule] = {r.kind: r for r in RULES}
BY_CODE: dict[str, Rule] = {r.code: r for r in RULES}
# Old code -> current code. Empty until a code is renamed; a code is never given a new meaning.
REDIRECTS: dict[str, str] = {}


def judge(changes: list[Change]) -> list[Finding]:
    """Turn typed changes into findings with the rule for each kind."""
    return [BY_KIND[c.kind].judge(c) for c in changes]
