# The origin: gunicorn (deploy/gunicorn.conf.py) or `make edge`'s server. Its own file so that
# a deployment (or the test, tests/test_edge_varnish.py) names another without editing
# newsroom.vcl: varnishd -p vcl_path=<dir with its own backend.vcl>:/etc/varnish
# The probe tells Varnish the origin is down, so it serves stale pages (stale-if-error).
backend default {
    .host = "127.0.0.1";
    .port = "8000";
    .connect_timeout = 2s;
    .first_byte_timeout = 30s;
    .probe = {
        .url = "/healthz";
        .interval = 1s;
        .timeout = 1s;
        .window = 3;
        .threshold = 2;
        .initial = 2;
    }
}
