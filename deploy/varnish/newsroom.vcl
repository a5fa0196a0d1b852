vcl 4.1;
# Varnish in front of Newsroom (Debian: apt-get install varnish varnish-modules).
#
# Newsroom labels every page readers share with the keys of what it shows (`xkey`
# header) and `Cache-Control: public, max-age=0, s-maxage=N`; after each write it sends
# `PURGE /` with the keys it touched in `xkey-purge` (NEWSROOM_PURGE=http://this-varnish).
# Pages are kept until purged or N seconds, browsers revalidate every time (304 here).
# docs/deploy.md explains the set-up.

import xkey;

# The app servers. Several: a director (vmod directors) over them.
backend default {
    .host = "127.0.0.1";
    .port = "8000";
    .connect_timeout = 2s;
    .first_byte_timeout = 30s;
}

# Who may purge: the app servers only.
acl purgers {
    "127.0.0.1";
    "::1";
}

sub vcl_recv {
    if (req.method == "PURGE") {
        if (client.ip !~ purgers) {
            return (synth(403, "Purging is not allowed from this address."));
        }
        if (!req.http.xkey-purge) {
            return (synth(400, "Name the keys to purge in an xkey-purge header."));
        }
        set req.http.n-gone = xkey.purge(req.http.xkey-purge);
        return (synth(200, "Purged " + req.http.n-gone + " object(s)."));
    }
    if (req.method != "GET" && req.method != "HEAD") {
        return (pass);
    }
    # A person's own requests (an editor, a reader with a notice to see) are never shared.
    if (req.http.Cookie ~ "(^|;\s*)(sessionid|messages)=" || req.url ~ "^/admin/") {
        return (pass);
    }
    # Reader pages are the same for everyone: other cookies (the CSRF one) change nothing.
    unset req.http.Cookie;
    unset req.http.Authorization;
    return (hash);
}

sub vcl_backend_response {
    # Only what Newsroom labels as shared (its pages, with keys) or static files are kept.
    if (!beresp.http.xkey && bereq.url !~ "^/static/") {
        set beresp.uncacheable = true;
        set beresp.ttl = 0s;
        return (deliver);
    }
    # A purge removes a page at once; no stale copy is served after it.
    set beresp.grace = 0s;
    return (deliver);
}

sub vcl_deliver {
    # The keys are for this cache; readers need not download them.
    unset resp.http.xkey;
    unset resp.http.Surrogate-Key;
    unset resp.http.Cache-Tag;
    if (obj.hits > 0) {
        set resp.http.X-Cache = "hit";
    } else {
        set resp.http.X-Cache = "miss";
    }
}
