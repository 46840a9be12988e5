vcl 4.1;
# The shared page cache in front of the application servers: Varnish with the xkey module
# (Debian: varnish, varnish-modules). nginx terminates TLS, serves static files and media,
# and passes pages here; this file keeps the pages the application marks public for hours
# and drops them by tag when the content they show changes (core/edge.py sends the PURGE
# requests). `make cluster` runs this same file (bin/cluster renders it into
# var/cluster/varnish/); docs/deploying.md, "Varnish in front", explains each part.
#
# Placeholders are dollar signs with braces, filled in by bin/cluster (or by hand):
#
#   BACKENDS   one backend per application server, with the probe below, e.g.
#              backend app_a { .host = "10.0.0.11"; .port = "8000"; .probe = healthz; }
#   DIRECTOR   one line per backend: app.add_backend(app_a);
#   PURGERS    the addresses that may purge (the application servers), e.g. "10.0.0.0"/24;
#
# The application's rules, as deploy/nginx.conf has them:
# - only responses marked public that set no cookie are kept (never private, no-cache,
#   no-store), for their s-maxage, or for the Surrogate-Control max-age the page cache
#   gives what it keeps when VARNISH_PURGE_URLS is set (EDGE_CACHE_SECONDS, or until the
#   next scheduled publication; 0 for what it does not keep: not kept here either);
# - a well-formed session, flash-message or read-your-writes cookie, an Authorization
#   header, the admin and the tip line go straight to the application, never stored; every
#   other cookie is dropped (a bogus `sessionid=x` is served from the cache like no
#   cookie, and a page with a form sets its CSRF cookie, so it is never kept);
# - each kept page carries its tags (Surrogate-Key) as xkey keys, plus `all`.

import directors;
import std;
import xkey;

probe healthz {
    .url = "/healthz";
    .interval = 2s;
    .timeout = 2s;
    .window = 3;
    .threshold = 2;
}

${BACKENDS}

acl purgers {
    ${PURGERS}
}

sub vcl_init {
    new app = directors.round_robin();
    ${DIRECTOR}
}

sub vcl_recv {
    set req.backend_hint = app.backend();
    # PURGE with `xkey-purge: article:12 front other` drops every object carrying one of
    # the keys (X-Purged in the answer says how many).
    if (req.method == "PURGE") {
        if (client.ip !~ purgers) {
            return (synth(403, "Forbidden"));
        }
        if (!req.http.xkey-purge) {
            return (synth(400, "No xkey-purge header"));
        }
        set req.http.x-purged = xkey.purge(req.http.xkey-purge);
        return (synth(200, "Purged"));
    }
    if (req.method != "GET" && req.method != "HEAD") {
        return (pass);
    }
    if (req.url ~ "^/(admin|tips)/" || req.http.Authorization) {
        return (pass);
    }
    # Only cookies shaped like the real ones (deploy/nginx.conf's maps): a 32-character
    # session key, a signed value (value:timestamp:signature).
    if (req.http.Cookie ~ "(^|;\s*)sessionid=[a-z0-9]{32}(;|$)"
        || req.http.Cookie ~ {"(^|;\s*)messages="?[^:;]+:[^:;]+:[^:;]+"?(;|$)"}
        || req.http.Cookie ~ "(^|;\s*)read_primary=[^:;]+:[^:;]+:[^:;]+(;|$)") {
        return (pass);
    }
    unset req.http.Cookie;
    # A page past its lifetime is served stale while one request fetches it again, for a
    # few seconds (the application's PAGE_CACHE_STALE_SECONDS); for hours (beresp.grace)
    # only while no application server answers.
    if (std.healthy(req.backend_hint)) {
        set req.grace = 5s;
    }
    return (hash);
}

sub vcl_backend_response {
    if (bereq.uncacheable) {
        return (deliver);
    }
    if (beresp.http.Set-Cookie
        || beresp.http.Cache-Control !~ "public"
        || beresp.http.Cache-Control ~ "(private|no-cache|no-store)") {
        # Not kept; the next requests for it go to the application at once (hit-for-miss).
        set beresp.ttl = 60s;
        set beresp.uncacheable = true;
        return (deliver);
    }
    if (beresp.http.Surrogate-Control ~ "max-age=[0-9]+") {
        set beresp.ttl = std.duration(
            regsub(beresp.http.Surrogate-Control, "^.*max-age=([0-9]+).*$", "\1") + "s", 0s);
        if (beresp.ttl <= 0s) {
            # A copy from before a change (the page cache's stale answer) or a render a
            # change overtook: for this reader only.
            set beresp.ttl = 1s;
            set beresp.uncacheable = true;
            return (deliver);
        }
    }
    set beresp.http.xkey = regsuball(beresp.http.Surrogate-Key, ",", " ") + " all";
    set beresp.grace = 6h;
    # Kept compressed: gzipped once here rather than by nginx on every answer, and a fifth
    # of the bytes to move; the rare client that takes no gzip gets it unpacked.
    if (beresp.http.Content-Type ~ "^(text/|application/(rss\+xml|atom\+xml|xml|json))") {
        set beresp.do_gzip = true;
    }
    return (deliver);
}

sub vcl_backend_error {
    # A server that does not answer (refused, reset, timed out): a GET or HEAD is asked of
    # the next one (as nginx's proxy_next_upstream does), never a POST that may have been
    # half-handled. The probe takes the server out within a few seconds.
    if (bereq.retries < 2 && (bereq.method == "GET" || bereq.method == "HEAD")) {
        return (retry);
    }
    # No application server answered and nothing stale was kept: the plain 503 page.
    set beresp.http.Cache-Control = "no-store";
}

sub vcl_deliver {
    if (obj.uncacheable) {
        set resp.http.X-Cache = "PASS";
    } elsif (obj.hits > 0) {
        set resp.http.X-Cache = "HIT";
    } else {
        set resp.http.X-Cache = "MISS";
    }
    # What only this cache needs; readers get the page and its Cache-Control.
    unset resp.http.xkey;
    unset resp.http.Surrogate-Key;
    unset resp.http.Cache-Tag;
    unset resp.http.Surrogate-Control;
    unset resp.http.Via;
    unset resp.http.X-Varnish;
}

sub vcl_synth {
    if (req.http.x-purged) {
        set resp.http.X-Purged = req.http.x-purged;
    }
}
