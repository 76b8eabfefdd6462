"""Loads the llm-ops benchmark's data set into a real MLflow database (side-by-side benchmark).

Usage: .tools/venv-mlflow-bench/bin/python scripts/bench/mlflow/load.py OUT.json
Env:   BENCH_PG_URL (postgresql://postgres@127.0.0.1:55432), BENCH_DB (llm_ops_bench, the source),
       BENCH_MLFLOW_DB (mlflow_bench, the target), BENCH_MLFLOW_RELOAD=1 (load again even if loaded).

How: MLflow's own SqlAlchemyStore creates the schema in an empty database (the same create_all + Alembic
migrations that `mlflow server` runs on first start, and the Default experiment 0). Then the bulk tables' keys,
indexes and foreign keys are dropped, the rows are copied from the llm-ops bench database with COPY (one
streaming pipe per table, no intermediate file), shaped the way SqlAlchemyStore writes them:

- experiments: experiment e of the seed gets experiment_id e, artifact_location 'mlflow-artifacts:/<e>' (the
  server's default root with --artifacts-destination), creation_time / last_update_time from the seed; the
  soft-deleted ones are lifecycle_stage 'deleted' with last_update_time = the deletion time
  (delete_experiment), and their runs are deleted too (delete_experiment marks them, with deleted_time).
- experiment_tags: domain, stage.
- runs: run_uuid = the seed's uuid without dashes; source_type 'UNKNOWN', source_name / entry_point_name /
  source_version '' (create_run), user_id = the mlflow.user tag, artifact_uri
  'mlflow-artifacts:/<e>/<run_uuid>/artifacts', status / start_time / end_time from the seed, except that the
  seed's SCHEDULED runs (no start_time in llm-ops) get their creation time: MLflow's create_run always stores
  a start_time, and its RunInfo refuses to read a run without one.
- tags: mlflow.user, model_family, and mlflow.runName = the run's name (create_run adds it).
- params: lr, batch_size, optimizer.
- latest_metrics: accuracy, loss, f1 (is_nan false).
- metrics: the 10,000,000 loss points of the 1,000 series runs, in the seed's physical order (interleaved
  500-point batches), plus one point per latest metric that has no history in the seed (log_batch writes every
  logged value to metrics and the newest one to latest_metrics), so get-history answers the same as llm-ops.

The keys and indexes are then re-created from their own definitions (the final schema is what MLflow created,
checked by a fingerprint), the experiment id sequence is moved past the last id, VACUUM (ANALYZE), and a
sample is read back through SqlAlchemyStore and compared with the source. A marker table (bench_seed_info, next
to MLflow's tables) records which seed of the source was loaded; the next run skips the load when it matches.
"""

import hashlib
import json
import os
import sys
import threading
import time
from urllib.parse import urlsplit, urlunsplit

import psycopg2

LOADER_VERSION = 1
PG_URL = os.environ.get("BENCH_PG_URL", "postgresql://postgres@127.0.0.1:55432").rstrip("/")
SOURCE_DB = os.environ.get("BENCH_DB", "llm_ops_bench")
TARGET_DB = os.environ.get("BENCH_MLFLOW_DB", "mlflow_bench")
RELOAD = os.environ.get("BENCH_MLFLOW_RELOAD") == "1"
BULK_TABLES = ["experiments", "experiment_tags", "runs", "tags", "params", "metrics", "latest_metrics"]

timings = []


def log(message):
    sys.stderr.write(f"==> {message}\n")
    sys.stderr.flush()


def url(database, driver=False):
    parts = urlsplit(PG_URL)
    scheme = "postgresql+psycopg2" if driver else "postgresql"
    return urlunsplit((scheme, parts.netloc, f"/{database}", parts.query, ""))


def connect(database):
    conn = psycopg2.connect(url(database))
    conn.autocommit = True
    return conn


def step(name, fn):
    started = time.perf_counter()
    result = fn()
    ms = (time.perf_counter() - started) * 1000
    timings.append({"step": name, "ms": round(ms)})
    log(f"{name:<62} {ms / 1000:8.1f} s")
    return result


def scalar(conn, sql, args=None):
    with conn.cursor() as cur:
        cur.execute(sql, args)
        row = cur.fetchone()
        return row[0] if row else None


def source_marker():
    conn = connect(SOURCE_DB)
    try:
        value = scalar(conn, "select value from bench_seed_info where key = 'dataset'")
    finally:
        conn.close()
    if value is None:
        raise SystemExit(f"{SOURCE_DB} holds no complete seed (run scripts/bench/seed.mjs first)")
    data = json.loads(value)
    return {"scale": data["scale"], "version": data["version"], "seededAt": data["seededAt"]}


def mlflow_version():
    import mlflow

    return mlflow.__version__


def wanted_marker(source):
    return {"source": source, "loader": LOADER_VERSION, "mlflow": mlflow_version()}


def existing_marker(wanted):
    admin = connect("postgres")
    try:
        exists = scalar(admin, "select 1 from pg_database where datname = %s", (TARGET_DB,))
    finally:
        admin.close()
    if not exists:
        return {"reason": "the database does not exist"}
    conn = connect(TARGET_DB)
    try:
        try:
            value = scalar(conn, "select value from bench_seed_info where key = 'dataset'")
        except psycopg2.Error:
            value = None
        if value is None:
            return {"reason": "no complete load recorded"}
        stored = json.loads(value)
        if stored.get("wanted") != wanted:
            return {"reason": "the source was seeded again, or the loader or MLflow changed"}
        runs = scalar(conn, "select count(*) from runs")
        if runs < wanted["source"]["scale"]["runs"]:
            return {"reason": "rows are missing"}
        return {"ok": True, "stored": stored}
    finally:
        conn.close()


# The schema's fingerprint (columns, indexes, constraints), to check that the bulk load leaves MLflow's schema
# exactly as MLflow created it.
FINGERPRINT_SQL = """
  select string_agg(line, E'\\n' order by line) from (
    select 'col ' || table_name || '.' || column_name || ' ' || data_type || ' ' || is_nullable
           || ' ' || coalesce(column_default, '') as line
    from information_schema.columns where table_schema = 'public' and table_name <> 'bench_seed_info'
    union all
    select 'idx ' || pg_get_indexdef(i.indexrelid) from pg_index i join pg_class t on t.oid = i.indrelid
    where t.relnamespace = 'public'::regnamespace and t.relname <> 'bench_seed_info'
    union all
    select 'con ' || c.conrelid::regclass::text || ' ' || c.conname || ' ' || pg_get_constraintdef(c.oid)
    from pg_constraint c where c.connamespace = 'public'::regnamespace
  ) lines"""


def fingerprint(conn):
    return hashlib.sha256((scalar(conn, FINGERPRINT_SQL) or "").encode()).hexdigest()


def drop_keys(conn, tables):
    """Drops the foreign keys, keys and indexes of the tables; returns the SQL that re-creates them."""
    with conn.cursor() as cur:
        cur.execute(
            "select oid from pg_class where relname = any(%s) and relnamespace = 'public'::regnamespace",
            (tables,),
        )
        oids = [r[0] for r in cur.fetchall()]
        cur.execute(
            """select conrelid::regclass::text, conname, pg_get_constraintdef(oid) from pg_constraint
               where contype = 'f' and (conrelid = any(%s::oid[]) or confrelid = any(%s::oid[])) order by conname""",
            (oids, oids),
        )
        fks = cur.fetchall()
        cur.execute(
            """select conrelid::regclass::text, conname, pg_get_constraintdef(oid) from pg_constraint
               where contype in ('p', 'u') and conrelid = any(%s::oid[]) order by contype, conname""",
            (oids,),
        )
        keys = cur.fetchall()
        cur.execute(
            """select i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid), i.indrelid::regclass::text
               from pg_index i where i.indrelid = any(%s::oid[])
               and not exists (select 1 from pg_constraint c where c.conindid = i.indexrelid) order by 1""",
            (oids,),
        )
        indexes = cur.fetchall()
        for table, name, _ in fks:
            cur.execute(f'alter table {table} drop constraint "{name}"')
        for table, name, _ in keys:
            cur.execute(f'alter table {table} drop constraint "{name}"')
        for name, _, _ in indexes:
            cur.execute(f"drop index {name}")
    rebuild = {}
    for table, name, definition in keys:
        rebuild.setdefault(table, []).append(f'alter table {table} add constraint "{name}" {definition}')
    for _, definition, table in indexes:
        rebuild.setdefault(table, []).append(definition)
    return rebuild, [f'alter table {t} add constraint "{n}" {d}' for t, n, d in fks]


def copy_between(select_sql, target_table, columns):
    """Streams COPY (select) TO STDOUT on the source into COPY table FROM STDIN on the target."""
    src = connect(SOURCE_DB)
    dst = connect(TARGET_DB)
    read_fd, write_fd = os.pipe()
    errors = []

    def produce():
        try:
            with os.fdopen(write_fd, "wb", buffering=1 << 20) as out, src.cursor() as cur:
                cur.copy_expert(f"copy ({select_sql}) to stdout", out, size=1 << 20)
        except Exception as error:  # re-raised below, after the consumer stops
            errors.append(error)

    producer = threading.Thread(target=produce)
    producer.start()
    try:
        with dst.cursor() as cur:
            cur.execute("set synchronous_commit = off")
            with os.fdopen(read_fd, "rb", buffering=1 << 20) as inp:
                cur.copy_expert(f"copy {target_table} ({', '.join(columns)}) from stdin", inp, size=1 << 20)
            rows = cur.rowcount
    finally:
        producer.join()
        src.close()
        dst.close()
    if errors:
        raise errors[0]
    return rows


# Experiment e of the seed has the id md5('exp' || e) as a uuid (scripts/bench/seed.mjs); MLflow's id is e.
EXP_MAP = """(select e, md5('exp' || e)::uuid::text as id from generate_series(1, {n}) e)"""


def load():
    source = source_marker()
    wanted = wanted_marker(source)
    n = source["scale"]["experiments"]
    exp_map = EXP_MAP.format(n=n)

    from mlflow.store.tracking.sqlalchemy_store import SqlAlchemyStore

    admin = connect("postgres")

    def create():
        admin.cursor().execute(f"drop database if exists {TARGET_DB} with (force)")
        admin.cursor().execute(f"create database {TARGET_DB}")

    step(f"create database {TARGET_DB} (drop if exists)", create)
    admin.close()

    def create_schema():
        store = SqlAlchemyStore(url(TARGET_DB, driver=True), "mlflow-artifacts:/")
        store.engine.dispose()

    step("MLflow creates its schema (SqlAlchemyStore: create_all + Alembic)", create_schema)
    conn = connect(TARGET_DB)
    created_fingerprint = fingerprint(conn)
    conn.cursor().execute("set maintenance_work_mem = '1GB'")
    rebuild, foreign_keys = step(
        "drop keys, indexes and foreign keys of the bulk tables", lambda: drop_keys(conn, BULK_TABLES)
    )
    counts = {}

    def copy(label, table, columns, sql):
        counts[table] = counts.get(table, 0) + step(label, lambda: copy_between(sql, table, columns))

    copy(
        f"experiments: {n:,}",
        "experiments",
        ["experiment_id", "name", "artifact_location", "lifecycle_stage", "creation_time", "last_update_time"],
        f"""select m.e, a.name, 'mlflow-artifacts:/' || m.e,
                   case when a.lifecycle = 'deleted' then 'deleted' else 'active' end,
                   a.created_at, case when a.lifecycle = 'deleted' then coalesce(a.deleted_at, a.updated_at)
                                      else a.updated_at end
            from {exp_map} m join assets a on a.id = m.id and a.kind = 'experiment' order by m.e""",
    )
    copy(
        "experiment_tags (domain, stage)",
        "experiment_tags",
        ["key", "value", "experiment_id"],
        f"select t.key, t.value, m.e from {exp_map} m join tags t on t.resource_id = m.id",
    )
    copy(
        "runs: run_uuid = seed uuid without dashes, user_id = mlflow.user",
        "runs",
        [
            "run_uuid", "name", "source_type", "source_name", "entry_point_name", "user_id", "status",
            "start_time", "end_time", "source_version", "lifecycle_stage", "artifact_uri", "experiment_id",
            "deleted_time",
        ],
        f"""select replace(r.id, '-', ''), r.name, 'UNKNOWN', '', '', u.value, r.status,
                   coalesce(r.start_time, r.created_at), r.end_time, '',
                   case when r.lifecycle = 'deleted' or a.lifecycle = 'deleted' then 'deleted' else 'active' end,
                   'mlflow-artifacts:/' || m.e || '/' || replace(r.id, '-', '') || '/artifacts', m.e,
                   case when r.lifecycle = 'deleted' then r.deleted_at
                        when a.lifecycle = 'deleted' then coalesce(a.deleted_at, a.updated_at) end
            from runs r join {exp_map} m on m.id = r.experiment_id join assets a on a.id = r.experiment_id
            left join run_tags u on u.run_id = r.id and u.key = 'mlflow.user'""",
    )
    copy(
        "tags: mlflow.user, model_family",
        "tags",
        ["key", "value", "run_uuid"],
        "select key, value, replace(run_id, '-', '') from run_tags",
    )
    copy(
        "tags: mlflow.runName",
        "tags",
        ["key", "value", "run_uuid"],
        "select 'mlflow.runName', name, replace(id, '-', '') from runs",
    )
    copy(
        "params: lr, batch_size, optimizer",
        "params",
        ["key", "value", "run_uuid"],
        "select key, value, replace(run_id, '-', '') from run_params",
    )
    copy(
        "latest_metrics: accuracy, loss, f1",
        "latest_metrics",
        ["key", "value", "timestamp", "step", "is_nan", "run_uuid"],
        "select key, value, timestamp, step, false, replace(run_id, '-', '') from run_latest_metrics",
    )
    copy(
        "metrics: the loss series, in the seed's physical order",
        "metrics",
        ["key", "value", "timestamp", "run_uuid", "step", "is_nan"],
        "select key, value, timestamp, replace(run_id, '-', ''), step, false from metric_points",
    )
    copy(
        "metrics: the logged point of each latest metric without a series",
        "metrics",
        ["key", "value", "timestamp", "run_uuid", "step", "is_nan"],
        """select l.key, l.value, l.timestamp, replace(l.run_id, '-', ''), l.step, false from run_latest_metrics l
           where not exists (select 1 from metric_points p where p.run_id = l.run_id and p.key = l.key)""",
    )

    for table, statements in rebuild.items():

        def run_all(statements=statements):
            with conn.cursor() as cur:
                for sql in statements:
                    cur.execute(sql)

        step(f"keys and indexes: {table} ({len(statements)})", run_all)

    def add_fks():
        with conn.cursor() as cur:
            for sql in foreign_keys:
                cur.execute(sql)

    step(f"foreign keys, validated ({len(foreign_keys)})", add_fks)
    step(
        "experiment id sequence past the last id",
        lambda: conn.cursor().execute(
            "select setval(pg_get_serial_sequence('experiments', 'experiment_id'), (select max(experiment_id) from experiments))"
        ),
    )
    step("VACUUM (ANALYZE)", lambda: conn.cursor().execute("vacuum (analyze)"))
    if fingerprint(conn) != created_fingerprint:
        raise SystemExit("the schema after the load differs from the one MLflow created")
    step("read a sample back through SqlAlchemyStore and compare", lambda: verify(source))

    total = sum(t["ms"] for t in timings)
    with conn.cursor() as cur:
        cur.execute("create table if not exists bench_seed_info (key text primary key, value text not null)")
        cur.execute(
            """insert into bench_seed_info values ('dataset', %s)
               on conflict (key) do update set value = excluded.value""",
            (json.dumps({"wanted": wanted, "loadedAt": now_iso(), "timings": timings, "totalMs": total,
                         "rows": counts}),),
        )
    conn.close()
    log(f"{'loaded in total':<62} {total / 1000:8.1f} s")
    return {"loaded": True, "timings": timings, "totalMs": total, "rows": counts, "source": source}


def verify(source):
    """A few runs and a series read through MLflow's store must equal the source rows."""
    from mlflow.store.tracking.sqlalchemy_store import SqlAlchemyStore

    store = SqlAlchemyStore(url(TARGET_DB, driver=True), "mlflow-artifacts:/")
    src = connect(SOURCE_DB)
    try:
        runs = source["scale"]["runs"]
        series_every = runs // source["scale"]["seriesRuns"]
        for i in (1, 2, 12345, runs // 2 + 7, runs):
            run_id = scalar(src, "select md5(%s)::uuid::text", (f"run{i}",))
            run = store.get_run(run_id.replace("-", ""))
            with src.cursor() as cur:
                cur.execute("select key, value from run_params where run_id = %s", (run_id,))
                params = dict(cur.fetchall())
                cur.execute("select key, value from run_latest_metrics where run_id = %s", (run_id,))
                metrics = dict(cur.fetchall())
                cur.execute("select key, value from run_tags where run_id = %s", (run_id,))
                tags = dict(cur.fetchall())
                cur.execute("select name, status from runs where id = %s", (run_id,))
                name, status = cur.fetchone()
            tags["mlflow.runName"] = name
            if run.data.params != params or run.data.metrics != metrics or run.data.tags != tags:
                raise SystemExit(f"run {i}: MLflow answers {run.data} but the source holds {params} {metrics} {tags}")
            if run.info.run_name != name or run.info.status != status:
                raise SystemExit(f"run {i}: name/status differ")
        run_id = scalar(src, "select md5(%s)::uuid::text", (f"run{series_every}",))
        history = store.get_metric_history(run_id.replace("-", ""), "loss")
        with src.cursor() as cur:
            cur.execute("select step, value from metric_points where run_id = %s and key = 'loss'", (run_id,))
            points = dict(cur.fetchall())
        if len(history) != len(points) or any(points.get(m.step) != m.value for m in history):
            raise SystemExit(f"the loss history of run{series_every} differs: {len(history)} vs {len(points)} points")
    finally:
        src.close()
        store.engine.dispose()


def now_iso():
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else None
    source = source_marker()
    wanted = wanted_marker(source)
    marker = {"reason": "BENCH_MLFLOW_RELOAD=1"} if RELOAD else existing_marker(wanted)
    if marker.get("ok"):
        stored = marker["stored"]
        log(f"{TARGET_DB} already holds the data set of {SOURCE_DB} (loaded {stored['loadedAt']}); "
            "BENCH_MLFLOW_RELOAD=1 loads it again")
        result = {"loaded": False, "loadedAt": stored["loadedAt"], "timings": stored["timings"],
                  "totalMs": stored["totalMs"], "rows": stored["rows"], "source": source}
    else:
        log(f"loading {TARGET_DB} from {SOURCE_DB}: {marker['reason']}")
        result = load()
        result["loadedAt"] = now_iso()
    result["mlflow"] = mlflow_version()
    if out:
        with open(out, "w") as f:
            json.dump(result, f, indent=2)


if __name__ == "__main__":
    main()
