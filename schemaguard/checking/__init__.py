"""The check pipeline: load both sides, diff, judge with the rules, filter; fleets of databases."""
