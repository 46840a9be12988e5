"""Benchmark: send one newsletter edition to 100,000 subscribers through a real worker.

    .venv/bin/python bench/newsletter_bench.py                  # or: make bench-newsletter
    .venv/bin/python bench/newsletter_bench.py --subscribers 10000

What it does:

1. Drops and recreates the benchmark database (default
   postgres://postgres@127.0.0.1:5432/bench_newsletter, or --database-url /
   BENCH_DATABASE_URL), migrates it, and loads N confirmed subscribers with COPY, eight
   published articles and one edition pre-filled with them.
2. Starts a local SMTP sink (aiosmtpd) on 127.0.0.1 that counts what it accepts.
3. Queues the edition (`tasks.send_now`, the admin's "Send now"), starts one
   `manage.py db_worker` child with the SMTP backend pointed at the sink, and waits until
   the edition is marked sent. Wall time is measured from the queueing (worker start-up
   included); the worker's peak resident memory is its own `ru_maxrss` (from `wait4` once
   it has been stopped), so nothing else is counted.
4. Checks that the sink received exactly one message per subscriber and that every
   delivery row is marked sent.

Exit status 1 when a message is missing or doubled.
"""

import argparse
import io
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from serving import recreate_database  # bench/serving.py (the script's folder is on sys.path)

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/bench_newsletter"
sys.path.insert(0, str(ROOT))


def child_env(url, port=None, batch=500):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "defenceblog.settings",
        # As in production: DEBUG off (no query log in the worker's memory).
        "DEBUG": "0",
        "SECRET_KEY": os.environ.get("SECRET_KEY") or "bench-only-" + "k9x2" * 12,
        "SECURE_SSL_REDIRECT": "0",
        "PUBLISHER_ADDRESS": "1 Bench Street, Example Town",
        "DATABASE_URL": url,
        "REDIS_URL": "",
        "EMBEDS_RESOLVE": "0",
        "NEWSLETTER_BATCH_SIZE": str(batch),
        "NEWSLETTER_RATE": "0",
    }
    if port:
        env.update(
            EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
            EMAIL_HOST="127.0.0.1",
            EMAIL_PORT=str(port),
            EMAIL_USE_TLS="0",
        )
    return env


def load_data(count):
    from django.db import connection
    from django.utils import timezone

    from core.db import table
    from newsletter import editions
    from newsletter.models import Edition, Subscriber
    from tests.factories import ArticleFactory

    for n in range(8):
        ArticleFactory(title=f"Benchmark story number {n + 1}", featured=(n == 0))
    now = timezone.now().isoformat()
    buffer = io.StringIO()
    for n in range(count):
        buffer.write(
            f"reader{n:06d}@bench.example\tconfirmed\tbench-token-{n:06d}\tdemo\t{now}\t"
            f"Send me the newsletter.\t{now}\t{now}\n"
        )
    buffer.seek(0)
    columns = "email, status, token, source, created, consent_text, consent_at, confirmed_at"
    with connection.cursor() as cursor:
        with cursor.copy(f"COPY {table(Subscriber)} ({columns}) FROM STDIN") as copy:
            while chunk := buffer.read(1 << 20):
                copy.write(chunk)
        cursor.execute(f"ANALYZE {table(Subscriber)}")
    edition = Edition.objects.create(subject="Benchmark edition", intro="One edition for all.")
    editions.fill_with_top_stories(edition)
    return edition


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--subscribers", type=int, default=100_000)
    parser.add_argument("--batch", type=int, default=500)
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_DB))
    args = parser.parse_args()

    recreate_database(args.database_url)
    env = child_env(args.database_url)
    subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True
    )
    os.environ.update(env)
    import django

    django.setup()
    from django.db import connection

    from newsletter import tasks
    from newsletter.models import Delivery, Edition
    from tests.newsletter.smtp_sink import Recorder, start_sink

    started = time.monotonic()
    edition = load_data(args.subscribers)
    print(f"Loaded {args.subscribers:,} subscribers in {time.monotonic() - started:.1f} s")

    import logging
    import resource

    logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd logs every command
    own_cpu = resource.getrusage(resource.RUSAGE_SELF)
    recorder = Recorder(keep_headers=False)
    sink = start_sink(recorder)
    worker_env = child_env(args.database_url, sink.port, args.batch)
    load_before = os.getloadavg()[0]
    began = time.monotonic()
    tasks.send_now(edition)
    worker = subprocess.Popen(  # noqa: S603
        [
            sys.executable,
            "manage.py",
            "db_worker",
            "--no-startup-delay",
            "--no-reload",
            "--interval",
            "0.5",
        ],  # fmt: skip
        cwd=ROOT,
        env=worker_env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        while True:
            time.sleep(0.5)
            status = Edition.objects.filter(pk=edition.pk).values_list("status", flat=True)[0]
            if status == Edition.Status.SENT:
                break
            if worker.poll() is not None:
                raise SystemExit(f"the worker stopped early ({worker.returncode})")
        elapsed = time.monotonic() - began
        load_after = os.getloadavg()[0]
    finally:
        worker.send_signal(signal.SIGTERM)
        _, status, usage = os.wait4(worker.pid, 0)
        sink.stop()
    peak_mb = usage.ru_maxrss / 1024
    after = resource.getrusage(resource.RUSAGE_SELF)
    sink_cpu = after.ru_utime + after.ru_stime - own_cpu.ru_utime - own_cpu.ru_stime
    received = recorder.count()
    distinct = len({rcpt for rcpt, _, _ in recorder.accepted})
    sent_rows = Delivery.objects.filter(edition=edition, status="sent").count()
    result = {
        "subscribers": args.subscribers,
        "batch": args.batch,
        "seconds": round(elapsed, 1),
        "messages_per_second": round(received / elapsed, 1),
        "worker_peak_rss_mb": round(peak_mb, 1),
        "worker_cpu_seconds": round(usage.ru_utime + usage.ru_stime, 1),
        "sink_cpu_seconds": round(sink_cpu, 1),
        "smtp_connections": recorder.connections,
        "received": received,
        "distinct_recipients": distinct,
        "deliveries_sent": sent_rows,
        "load_average": [round(load_before, 1), round(load_after, 1)],
    }
    print(json.dumps(result, indent=2))
    connection.close()
    ok = received == distinct == sent_rows == args.subscribers
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
