"""Serving on PostgreSQL (production): the OT-facing marts in one schema, row-level security so
an OT's login role sees only its rows, French comments from the dbt docs, and an atomic swap.

Roles are provisioned once by the operator (``provision_roles``); a publish checks they exist
and that every OT-scoped table has RLS before it swaps the new schema in.
"""

from __future__ import annotations

import csv
import io
import re

import psycopg2
from psycopg2 import sql

from t82_pipeline.defs.serving.catalog import ServedTable
from t82_pipeline.defs.serving.files import served_select
from t82_pipeline.lib.warehouse import WarehouseLocation

SCHEMA = "marts"
ACL_SCHEMA = "serving_acl"
OT_GROUP = "t82_ot_reader"
AGENCY_GROUP = "t82_agency_reader"
AGENCY_LOGIN = "t82_agency"
PG_TYPES = {
    "VARCHAR": "text",
    "BIGINT": "bigint",
    "INTEGER": "integer",
    "DOUBLE": "double precision",
    "BOOLEAN": "boolean",
    "DATE": "date",
    "TIMESTAMP WITH TIME ZONE": "timestamptz",
    "TIMESTAMP": "timestamp",
    "HUGEINT": "numeric",
    "FLOAT": "real",
}


class ServingError(RuntimeError):
    pass


def ot_role(ot_code: str) -> str:
    return "ot_" + re.sub(r"[^a-z0-9]", "_", ot_code.lower())


def provision_roles(dsn: str, offices: dict[str, str], passwords: dict[str, str] | None = None) -> None:
    """Creates the group roles and one login role per OT (operator task; idempotent)."""
    passwords = passwords or {}
    with psycopg2.connect(dsn) as con, con.cursor() as cur:
        for group in (OT_GROUP, AGENCY_GROUP):
            cur.execute("select 1 from pg_roles where rolname = %s", (group,))
            if not cur.fetchone():
                cur.execute(sql.SQL("create role {} nologin").format(sql.Identifier(group)))
        logins = [(ot_role(c), OT_GROUP) for c in offices] + [(AGENCY_LOGIN, AGENCY_GROUP)]
        for role, group in logins:
            cur.execute("select 1 from pg_roles where rolname = %s", (role,))
            if not cur.fetchone():
                cur.execute(
                    sql.SQL("create role {} login in role {}").format(sql.Identifier(role), sql.Identifier(group))
                )
            if role in passwords:
                cur.execute(sql.SQL("alter role {} password %s").format(sql.Identifier(role)), (passwords[role],))


def _pg_type(duck_type: str) -> str:
    if duck_type.startswith("DECIMAL"):
        return "numeric"
    return PG_TYPES.get(duck_type, "text")


def _check_roles(cur, offices: dict[str, str]) -> None:
    wanted = [OT_GROUP, AGENCY_GROUP, *(ot_role(c) for c in offices)]
    cur.execute("select rolname, rolsuper or rolbypassrls from pg_roles where rolname = any(%s)", (wanted,))
    found = dict(cur.fetchall())
    missing = [r for r in wanted if r not in found]
    if missing:
        raise ServingError(f"[serving] roles missing in PostgreSQL: {', '.join(missing)} (run provision_roles)")
    unsafe = [r for r, bypass in found.items() if bypass]
    if unsafe:
        raise ServingError(f"[serving] roles bypass row-level security: {', '.join(unsafe)}")
    # The publisher owns the tables; were it an OT's role (or a member of one), that OT would
    # own, and so could read or change, every OT's rows.
    cur.execute(
        """with recursive held(oid) as (
                       select oid from pg_roles where rolname = current_user
                       union select m.roleid from pg_auth_members m join held on m.member = held.oid)
                   select current_user, exists (select 1 from held join pg_roles r using (oid) where r.rolname = any(%s))""",
        ([ot_role(c) for c in offices] + [OT_GROUP],),
    )
    publisher, is_reader = cur.fetchone()
    if is_reader:
        raise ServingError(
            f"[serving] the publishing role {publisher} is, or is a member of, an OT's role: "
            "publish with a role of its own"
        )


def _check_rls(cur, schema: str, tables: list[ServedTable]) -> None:
    """The check before publish: every OT-scoped table enforces RLS with a policy."""
    for table in tables:
        if not table.ot_column:
            continue
        cur.execute(
            """select c.relrowsecurity, count(p.polname)
                       from pg_class c join pg_namespace n on n.oid = c.relnamespace
                       left join pg_policy p on p.polrelid = c.oid
                       where n.nspname = %s and c.relname = %s group by 1""",
            (schema, table.name),
        )
        row = cur.fetchone()
        if not row or not row[0] or row[1] == 0:
            raise ServingError(f"[serving] {schema}.{table.name} is OT-scoped but has no row-level security policy")
        cur.execute(
            """select c.relforcerowsecurity from pg_class c join pg_namespace n on n.oid = c.relnamespace
                       where n.nspname = %s and c.relname = %s""",
            (schema, table.name),
        )
        if not cur.fetchone()[0]:
            raise ServingError(f"[serving] {schema}.{table.name}: row-level security is not forced on its owner")


def publish_postgres(
    warehouse: WarehouseLocation,
    tables: list[ServedTable],
    offices: dict[str, str],
    dsn: str,
    break_rls_for_test: str | None = None,
    lock_timeout_s: int = 30,
) -> dict[str, int]:
    staging = f"{SCHEMA}__new"
    counts: dict[str, int] = {}
    try:
        con = psycopg2.connect(dsn, connect_timeout=10)
    except psycopg2.OperationalError as exc:
        raise ServingError(f"[serving] PostgreSQL unreachable, previous serving state kept: {exc}".strip()) from None
    try:
        with con, con.cursor() as cur, warehouse.connect() as duck:
            # An idle BI session holding a lock on what is replaced must not stall the night: every
            # lock this transaction waits for is waited for this long at most, then the previous
            # state stays served.
            cur.execute(sql.SQL("set local lock_timeout = {}").format(sql.Literal(f"{int(lock_timeout_s)}s")))
            _check_roles(cur, offices)
            cur.execute(sql.SQL("create schema if not exists {}").format(sql.Identifier(ACL_SCHEMA)))
            cur.execute(
                f"create table if not exists {ACL_SCHEMA}.ot_roles (role_name text primary key, ot_code text not null)"
            )
            cur.execute(f"delete from {ACL_SCHEMA}.ot_roles")  # not truncate: readers of the policies keep reading
            cur.executemany(f"insert into {ACL_SCHEMA}.ot_roles values (%s, %s)", [(ot_role(c), c) for c in offices])
            # The policies read this mapping with the querying role's rights.
            readers = sql.SQL(", ").join([sql.Identifier(OT_GROUP), sql.Identifier(AGENCY_GROUP)])
            cur.execute(sql.SQL("grant usage on schema {} to {}").format(sql.Identifier(ACL_SCHEMA), readers))
            cur.execute(sql.SQL("grant select on {}.ot_roles to {}").format(sql.Identifier(ACL_SCHEMA), readers))

            cur.execute(sql.SQL("drop schema if exists {} cascade").format(sql.Identifier(staging)))
            cur.execute(sql.SQL("create schema {}").format(sql.Identifier(staging)))
            for table in tables:
                query = served_select(table, duck)
                columns = duck.execute(f"describe ({query})").fetchall()
                target = sql.Identifier(staging, table.name)
                cur.execute(
                    sql.SQL("create table {} ({})").format(
                        target,
                        sql.SQL(", ").join(
                            sql.SQL("{} {}").format(sql.Identifier(c[0]), sql.SQL(_pg_type(c[1]))) for c in columns
                        ),
                    )
                )
                buffer = io.StringIO()
                writer = csv.writer(buffer)
                rows = duck.execute(query).fetchall()
                writer.writerows(rows)
                buffer.seek(0)
                cur.copy_expert(sql.SQL("copy {} from stdin with (format csv)").format(target).as_string(cur), buffer)
                counts[table.name] = len(rows)
                if table.description:
                    cur.execute(sql.SQL("comment on table {} is %s").format(target), (table.description,))
                for column, description in table.columns.items():
                    if description and column in {c[0] for c in columns}:
                        cur.execute(
                            sql.SQL("comment on column {} is %s").format(sql.Identifier(staging, table.name, column)),
                            (description,),
                        )
                cur.execute(
                    sql.SQL("grant select on {} to {}, {}").format(
                        target, sql.Identifier(OT_GROUP), sql.Identifier(AGENCY_GROUP)
                    )
                )
                if table.ot_column and table.name != break_rls_for_test:
                    cur.execute(sql.SQL("alter table {} enable row level security").format(target))
                    # Even the owner goes through the policy (a login that owns the tables sees no
                    # more than the policy allows).
                    cur.execute(sql.SQL("alter table {} force row level security").format(target))
                    cur.execute(
                        sql.SQL(
                            "create policy ot_isolation on {} for select using ({} = (select ot_code from {}.ot_roles where role_name = current_user) "
                            "or pg_has_role(current_user, {}, 'member'))"
                        ).format(
                            target,
                            sql.Identifier(table.ot_column),
                            sql.Identifier(ACL_SCHEMA),
                            sql.Literal(AGENCY_GROUP),
                        )
                    )
            _check_rls(cur, staging, tables)
            # The swap: readers see the old schema until this transaction commits, then the new one.
            cur.execute(sql.SQL("drop schema if exists {} cascade").format(sql.Identifier(f"{SCHEMA}__old")))
            cur.execute("select 1 from pg_namespace where nspname = %s", (SCHEMA,))
            if cur.fetchone():
                cur.execute(
                    sql.SQL("alter schema {} rename to {}").format(
                        sql.Identifier(SCHEMA), sql.Identifier(f"{SCHEMA}__old")
                    )
                )
            cur.execute(sql.SQL("alter schema {} rename to {}").format(sql.Identifier(staging), sql.Identifier(SCHEMA)))
            cur.execute(
                sql.SQL("grant usage on schema {} to {}, {}").format(
                    sql.Identifier(SCHEMA), sql.Identifier(OT_GROUP), sql.Identifier(AGENCY_GROUP)
                )
            )
            cur.execute(sql.SQL("drop schema if exists {} cascade").format(sql.Identifier(f"{SCHEMA}__old")))
    except psycopg2.errors.LockNotAvailable:
        raise ServingError(
            f"[serving] a session held the served tables for over {lock_timeout_s} s (an idle BI "
            "transaction?): not swapped, the previous state stays served"
        ) from None
    finally:
        con.close()
    return counts
