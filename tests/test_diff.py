"""The pure diff on hand-built snapshots: pairing rules that matter most, without a database."""

from __future__ import annotations

from schemaguard.drift.diff import diff, pair
from schemaguard.rules import judge
from schemaguard.schema.snapshot import Column, ForeignKey, Index, Schema, Table


def col(name: str, type_: str = "INTEGER", nullable: bool = True, **kw) -> Column:  # type: ignore[no-untyped-def]
    return Column(name=name, type=type_, nullable=nullable, **kw)


def users(name: str = "users") -> Table:
    return Table(name=name, columns=(col("id", nullable=False),), primary_key=("id",))


def schema(*tables: Table, origin: str = "declared") -> Schema:
    return Schema(dialect="postgresql", tables=tables, origin=origin)


def kinds(declared: Schema, live: Schema) -> list[tuple[str, str | None, str | None]]:
    return sorted((c.kind, c.table or "", c.column or "") for c in diff(declared, live))  # type: ignore[misc]


def test_identical_schemas_have_no_changes() -> None:
    s = schema(users())
    assert diff(s, s) == []


def test_exact_names_win_over_folded_ones() -> None:
    p = pair([col("userId"), col("user_id")], [col("user_id")])
    assert [(d.name, lv.name) for d, lv in p.exact] == [("user_id", "user_id")]
    assert p.folded == []
    assert [c.name for c in p.only_declared] == ["userId"]


def test_ambiguous_fold_is_not_paired() -> None:
    # userId and user_Id both fold to "userid": which one the live user_id is cannot be known.
    p = pair([col("userId"), col("user_Id")], [col("user_id")])
    assert p.folded == []
    assert len(p.only_declared) == 2 and len(p.only_live) == 1


def test_table_case_is_one_finding_not_missing_plus_extra() -> None:
    out = kinds(schema(users("Users")), schema(users("users"), origin="live"))
    assert out == [("table_name_case", "users", "")]


def test_index_and_fk_follow_a_column_name_mapping() -> None:
    payments_d = Table(
        name="payments",
        columns=(col("id", nullable=False), col("userId")),
        primary_key=("id",),
        indexes=(Index(name="ix_payments_userId", columns=("userId",)),),
        foreign_keys=(ForeignKey(name=None, columns=("userId",), ref_table="users", ref_columns=("id",)),),
    )
    payments_l = Table(
        name="payments",
        columns=(col("id", nullable=False), col("user_id")),
        primary_key=("id",),
        indexes=(Index(name="ix_payments_user_id", columns=("user_id",)),),
        foreign_keys=(ForeignKey(name="fk", columns=("user_id",), ref_table="users", ref_columns=("id",)),),
    )
    out = kinds(schema(users(), payments_d), schema(users(), payments_l, origin="live"))
    assert ("column_name_style", "payments", "user_id") in out
    assert not [k for k in out if k[0] in ("column_missing", "column_extra", "index_missing", "index_extra",
                                          "foreign_key_missing", "foreign_key_extra", "foreign_key_mismatch")]


def test_wrong_case_fk_target_without_live_constraint() -> None:
    d = Table(name="payments", columns=(col("id", nullable=False), col("user_id")), primary_key=("id",),
              foreign_keys=(ForeignKey(name=None, columns=("user_id",), ref_table="Users", ref_columns=("id",)),))
    lv = Table(name="payments", columns=(col("id", nullable=False), col("user_id")), primary_key=("id",))
    findings = judge(diff(schema(users(), d), schema(users(), lv, origin="live")))
    got = sorted((f.kind, f.declared, f.live) for f in findings)
    assert got == [
        ("foreign_key_missing", "(user_id) -> Users(id)", None),
        ("foreign_key_target_case", "Users.id", "users.id"),
    ]


def test_fk_target_column_in_wrong_case() -> None:
    d = Table(name="payments", columns=(col("id", nullable=False), col("user_id")), primary_key=("id",),
              foreign_keys=(ForeignKey(name=None, columns=("user_id",), ref_table="users", ref_columns=("ID",)),))
    lv = Table(name="payments", columns=(col("id", nullable=False), col("user_id")), primary_key=("id",),
               foreign_keys=(ForeignKey(name="f", columns=("user_id",), ref_table="users", ref_columns=("id",)),))
    findings = judge(diff(schema(users(), d), schema(users(), lv, origin="live")))
    assert [(f.kind, f.declared, f.live) for f in findings] == [("foreign_key_target_case", "users.ID", "users.id")]


def test_renamed_from_pairs_old_and_new_column() -> None:
    d = Table(name="users", columns=(col("id", nullable=False), col("full_name", "TEXT", renamed_from="name")),
              primary_key=("id",))
    lv = Table(name="users", columns=(col("id", nullable=False), col("name", "TEXT")), primary_key=("id",))
    changes = diff(schema(d), schema(lv, origin="live"))
    assert [(c.kind, c.column, dict(c.details)) for c in changes] == [
        ("column_missing", "full_name", {"renamed_from": "name"})
    ]


def test_fk_type_mismatch_integer_to_bigint_key() -> None:
    # The database's key is BIGINT; the models still say INTEGER for the key and its FK column.
    users_d = Table(name="users", columns=(col("id", "INTEGER", nullable=False),), primary_key=("id",))
    users_l = Table(name="users", columns=(col("id", "BIGINT", nullable=False),), primary_key=("id",))
    d = Table(name="t", columns=(col("id", nullable=False), col("user_id", "INTEGER")), primary_key=("id",),
              foreign_keys=(ForeignKey(name=None, columns=("user_id",), ref_table="users", ref_columns=("id",)),))
    lv = Table(name="t", columns=d.columns, primary_key=("id",),
               foreign_keys=(ForeignKey(name="f", columns=("user_id",), ref_table="users", ref_columns=("id",)),))
    findings = judge(diff(schema(users_d, d), schema(users_l, lv, origin="live")))
    got = sorted((f.kind, f.table, f.column, f.declared, f.live, f.severity) for f in findings)
    assert got == [
        ("foreign_key_type_mismatch", "t", "user_id", "INTEGER", "BIGINT", "error"),
        ("type_mismatch", "users", "id", "INTEGER", "BIGINT", "error"),
    ]


def test_fk_type_mismatch_not_reported_for_a_database_built_from_the_models() -> None:
    big_users = Table(name="users", columns=(col("id", "BIGINT", nullable=False),), primary_key=("id",))
    t = Table(name="t", columns=(col("id", nullable=False), col("user_id", "INTEGER")), primary_key=("id",),
              foreign_keys=(ForeignKey(name="f", columns=("user_id",), ref_table="users", ref_columns=("id",)),))
    assert diff(schema(big_users, t), schema(big_users, t, origin="live")) == []
    # On an empty database the models alone decide, and the narrow FK column is reported.
    out = [c.kind for c in diff(schema(big_users, t), schema(origin="live"))]
    assert "foreign_key_type_mismatch" in out


def test_fk_column_wider_than_its_key_is_fine() -> None:
    small = Table(name="tags", columns=(col("id", "SMALLINT", nullable=False),), primary_key=("id",))
    t = Table(name="post_tags", columns=(col("tag_id", "INTEGER", nullable=False),),
              foreign_keys=(ForeignKey(name=None, columns=("tag_id",), ref_table="tags", ref_columns=("id",)),))
    assert [c.kind for c in diff(schema(small, t), schema(origin="live"))] == ["table_missing", "table_missing"]


def test_mixed_naming_names_the_minority() -> None:
    d = Table(name="payments", columns=(col("id"), col("created_at"), col("amount_cents"), col("userId")))
    lv = Table(name="payments", columns=(col("id"), col("created_at"), col("amount_cents"), col("user_id")))
    out = [c for c in diff(schema(d), schema(lv, origin="live")) if c.kind == "mixed_naming_convention"]
    assert len(out) == 1
    assert out[0].details["minority"] == ["userId"]
    assert out[0].details["suggested"] == {"userId": "user_id"}


def test_mixed_naming_follows_the_database_not_the_majority() -> None:
    # The database really has camelCase createdAt: the snake_case amount_cents is not to blame,
    # and a database made from the same models has no finding at all.
    d = Table(name="t", columns=(col("id"), col("userId"), col("createdAt"), col("amount_cents")))
    assert [c for c in diff(schema(d), schema(d, origin="live")) if c.kind == "mixed_naming_convention"] == []
    lv = Table(name="t", columns=(col("id"), col("user_id"), col("createdAt"), col("amount_cents")))
    out = [c for c in diff(schema(d), schema(lv, origin="live")) if c.kind == "mixed_naming_convention"]
    assert [c.details["minority"] for c in out] == [["userId"]]


def test_mixed_naming_of_tables() -> None:
    declared = schema(users(), users("EventCategories"), users("order_items"))
    live = schema(users(), users("event_categories"), users("order_items"), origin="live")
    findings = [f for f in judge(diff(declared, live)) if f.kind == "mixed_naming_convention"]
    assert [(f.table, f.declared) for f in findings] == [("event_categories", "EventCategories")]
    assert 'set __tablename__ = "event_categories"' in findings[0].hint


def test_a_new_table_is_judged_by_the_models_not_one_live_name() -> None:
    # The database holds one PascalCase table; a new snake_case table in a model set that is itself
    # evenly mixed is missing, not "in the wrong style".
    declared = schema(users("Users"), users("audit_log"))
    live = schema(users("Users"), origin="live")
    assert [c.kind for c in diff(declared, live)] == ["table_missing"]


def test_fk_to_a_table_left_out_by_include_is_not_missing() -> None:
    d = Table(name="payments", columns=(col("id", nullable=False), col("user_id")), primary_key=("id",),
              foreign_keys=(ForeignKey(name=None, columns=("user_id",), ref_table="users", ref_columns=("id",)),))
    lv = Table(name="payments", columns=d.columns, primary_key=("id",),
               foreign_keys=(ForeignKey(name="f", columns=("user_id",), ref_table="users", ref_columns=("id",)),))
    assert diff(schema(d), schema(lv, origin="live"), outside=[users()]) == []
    # Without knowing the left-out table, the target is missing everywhere.
    assert [c.kind for c in diff(schema(d), schema(lv, origin="live"))] == ["foreign_key_target_missing"]
