# Varnish in front of Newsroom: pages kept for hours, forgotten by surrogate key (xkey) the
# moment the site purges them (README "The edge", DESIGN.md "The edge").
# Debian 12: apt-get install varnish varnish-modules (the xkey vmod).
vcl 4.1;

import std;
import xkey;

include "backend.vcl";

# Who may purge: the app servers. Add their addresses.
acl purgers {
    "127.0.0.1";
    "::1";
}

sub vcl_recv {
    if (req.method == "PURGE") {
        if (client.ip !~ purgers) {
            return (synth(403, "Forbidden"));
        }
        # Hard purges: a purged page is fetched again, never served stale (a retraction
        # must be gone at once). edge/purgers.py sends xkey-purge; xkey is accepted too.
        if (req.http.xkey-purge) {
            set req.http.n-gone = xkey.purge(req.http.xkey-purge);
        } elsif (req.http.xkey) {
            set req.http.n-gone = xkey.purge(req.http.xkey);
        } else {
            return (synth(400, "xkey-purge header required"));
        }
        return (synth(200, "Purged " + req.http.n-gone));
    }
    if (req.method != "GET" && req.method != "HEAD") {
        return (pass);
    }
    # Staff (the signed marker set at login, or a session) and the staff-only areas pass
    # through uncached; the site itself answers them private, no-store.
    if (req.url ~ "^/(admin|editor|preview)/" || req.http.Cookie ~ "(^|;\s*)(newsroom_staff|sessionid)=") {
        return (pass);
    }
    # Readers' cookies (analytics, csrftoken) never split the cache: no public page reads them.
    unset req.http.Cookie;
    unset req.http.Authorization;
    # Tracking parameters of shared links: one cached copy however a link was shared (the
    # same names pagecache/middleware.py leaves out of its key).
    if (req.url ~ "[?&](utm_[a-z]+|fbclid|gclid|msclkid|igshid|twclid|mc_cid|mc_eid)=") {
        set req.url = regsuball(req.url, "(utm_[a-z]+|fbclid|gclid|msclkid|igshid|twclid|mc_cid|mc_eid)=[^&]*&?", "");
        set req.url = regsub(req.url, "[?&]+$", "");
    }
    # Stale while revalidating: 60 s past expiry while the origin is healthy; while it is
    # down, the object's whole grace (stale-if-error, 24 h).
    if (std.healthy(req.backend_hint)) {
        set req.grace = 60s;
    }
    return (hash);
}

sub vcl_backend_response {
    # Only what the site marks with surrogate keys is kept: everything else (staff pages,
    # previews, odd query strings, errors) is fetched every time.
    if (!beresp.http.Surrogate-Key) {
        set beresp.uncacheable = true;
        set beresp.ttl = 120s;
        return (deliver);
    }
    # The keys xkey indexes the object by; the TTL comes from s-maxage.
    set beresp.http.xkey = beresp.http.Surrogate-Key;
    set beresp.grace = 24h;
    # Compress text at the edge (gzip; Varnish stores it once and gunzips for the rare
    # client without gzip).
    if (beresp.http.Content-Type ~ "^(text/|application/(xml|json|rss\+xml|atom\+xml|javascript))") {
        set beresp.do_gzip = true;
    }
    return (deliver);
}

sub vcl_deliver {
    if (obj.uncacheable) {
        set resp.http.X-Cache = "PASS";
    } elsif (obj.hits > 0) {
        set resp.http.X-Cache = "HIT";
    } else {
        set resp.http.X-Cache = "MISS";
    }
    # The keys and the edge's own lifetimes are for this cache, not for browsers or caches
    # further down, which must revalidate every time.
    if (resp.http.Surrogate-Key) {
        set resp.http.Cache-Control = "public, max-age=0";
    }
    unset resp.http.xkey;
    unset resp.http.Surrogate-Key;
    unset resp.http.Cache-Tag;
    unset resp.http.Surrogate-Control;
    unset resp.http.Via;
    unset resp.http.X-Varnish;
    return (deliver);
}
