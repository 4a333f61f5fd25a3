"""gunicorn settings for Newsroom. Every value can be overridden from the environment
(GUNICORN_BIND, GUNICORN_WORKERS, GUNICORN_THREADS, GUNICORN_TIMEOUT); see README "Deploy"."""

import multiprocessing
import os

wsgi_app = "newsroom.wsgi:application"
# nginx talks to gunicorn over a unix socket in production; tests bind a loopback port.
bind = os.environ.get("GUNICORN_BIND", "unix:/run/newsroom/gunicorn.sock")
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
worker_class = "gthread"
# Above the database statement timeout (10 s by default), so a slow query ends as a 503
# from Django, not as a killed worker.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then: bounds the damage of any slow leak.
max_requests = 2000
max_requests_jitter = 200
# Request line and header limits (bytes): an 8 KB header is refused with 400 before Django.
limit_request_line = 8190
limit_request_field_size = 8190
# The X-Forwarded-* headers are believed only from nginx on this machine.
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = "-"
errorlog = "-"
# No query string in the access log: search terms and tokens stay out of the logs.
access_log_format = '%(h)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(M)sms'
