package io.amorsize.cache;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * A parsed Redis URL. Forms:
 * <pre>
 * redis://[user:password@]host[:port][/db]                 standalone (port 6379)
 * rediss://[user:password@]host[:port][/db]                standalone over TLS
 * redis-sentinel://[user:password@]host:port[,host:port...]/masterName[/db]   (sentinel port 26379)
 * rediss-sentinel://...                                    Sentinel: Sentinels and data nodes over TLS
 * redis-cluster://[user:password@]host:port[,host:port...] Cluster seed nodes (no db)
 * rediss-cluster://...                                     Cluster over TLS
 * </pre>
 * {@code :password@} alone (no user) authenticates as the {@code default} user. User and password are
 * percent-decoded. Credentials apply to the data nodes; Sentinels are contacted without credentials.
 * {@link #toString()} masks the password; error messages never contain it.
 *
 * @param topology   standalone, Sentinel or Cluster
 * @param tls        true for the {@code rediss} schemes
 * @param endpoints  server (standalone), sentinels, or cluster seed nodes; never empty
 * @param user       ACL user or null
 * @param password   password or null (never shown)
 * @param database   logical database (0 for Cluster)
 * @param masterName Sentinel master name, null otherwise
 */
public record RedisUrl(
        Topology topology,
        boolean tls,
        List<Endpoint> endpoints,
        String user,
        String password,
        int database,
        String masterName) {

    /** How the servers are arranged. */
    public enum Topology {
        STANDALONE,
        SENTINEL,
        CLUSTER
    }

    /** One host and port. */
    public record Endpoint(String host, int port) {
        public Endpoint {
            Objects.requireNonNull(host, "host");
            if (host.isEmpty()) {
                throw new IllegalArgumentException("host must not be empty");
            }
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("port must be in 1..65535, got " + port);
            }
        }

        @Override
        public String toString() {
            return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
        }
    }

    public RedisUrl {
        Objects.requireNonNull(topology, "topology");
        endpoints = List.copyOf(Objects.requireNonNull(endpoints, "endpoints"));
        if (endpoints.isEmpty()) {
            throw new IllegalArgumentException("a Redis URL needs at least one host");
        }
        if (topology == Topology.STANDALONE && endpoints.size() != 1) {
            throw new IllegalArgumentException("a standalone redis:// URL has exactly one host; use redis-sentinel:// "
                    + "or redis-cluster:// for several");
        }
        if (topology == Topology.SENTINEL && (masterName == null || masterName.isEmpty())) {
            throw new IllegalArgumentException("a redis-sentinel:// URL needs the master name as its path: "
                    + "redis-sentinel://host:26379/mymaster");
        }
        if (topology != Topology.SENTINEL && masterName != null) {
            throw new IllegalArgumentException("masterName is only for Sentinel URLs");
        }
        if (database < 0) {
            throw new IllegalArgumentException("database must be >= 0, got " + database);
        }
        if (topology == Topology.CLUSTER && database != 0) {
            throw new IllegalArgumentException("Redis Cluster has only database 0");
        }
        if (user != null && password == null) {
            throw new IllegalArgumentException("a user needs a password: user:password@");
        }
    }

    /**
     * Parses a URL of one of the forms above.
     *
     * @throws IllegalArgumentException naming what is wrong (never echoing the password)
     */
    public static RedisUrl parse(String url) {
        Objects.requireNonNull(url, "redisUrl");
        String s = url.trim();
        int schemeEnd = s.indexOf("://");
        if (schemeEnd < 0) {
            throw new IllegalArgumentException(
                    "redisUrl must start with redis://, rediss://, redis-sentinel:// or " + "redis-cluster://");
        }
        String scheme = s.substring(0, schemeEnd).toLowerCase(Locale.ROOT);
        boolean tls;
        Topology topology;
        switch (scheme) {
            case "redis" -> {
                tls = false;
                topology = Topology.STANDALONE;
            }
            case "rediss" -> {
                tls = true;
                topology = Topology.STANDALONE;
            }
            case "redis-sentinel" -> {
                tls = false;
                topology = Topology.SENTINEL;
            }
            case "rediss-sentinel" -> {
                tls = true;
                topology = Topology.SENTINEL;
            }
            case "redis-cluster" -> {
                tls = false;
                topology = Topology.CLUSTER;
            }
            case "rediss-cluster" -> {
                tls = true;
                topology = Topology.CLUSTER;
            }
            default ->
                throw new IllegalArgumentException("redisUrl: unknown scheme '" + scheme
                        + "' (use redis, rediss, redis-sentinel, rediss-sentinel, redis-cluster, rediss-cluster)");
        }
        String rest = s.substring(schemeEnd + 3);
        if (rest.indexOf('?') >= 0 || rest.indexOf('#') >= 0) {
            throw new IllegalArgumentException("redisUrl: query parameters and fragments are not supported; "
                    + "use CacheConfig for timeouts and TLS options");
        }
        String user = null;
        String password = null;
        // The last '@' ends the credentials, so a password may contain '/' or '@' unencoded.
        int at = rest.lastIndexOf('@');
        String userInfo = at < 0 ? null : rest.substring(0, at);
        String hostsAndPath = at < 0 ? rest : rest.substring(at + 1);
        int slash = hostsAndPath.indexOf('/');
        String authority = slash < 0 ? hostsAndPath : hostsAndPath.substring(0, slash);
        String path = slash < 0 ? "" : hostsAndPath.substring(slash + 1);
        if (userInfo != null) {
            int colon = userInfo.indexOf(':');
            if (colon < 0) {
                throw new IllegalArgumentException("redisUrl: credentials must be user:password@ or :password@");
            }
            String u = decode(userInfo.substring(0, colon), "user");
            password = decode(userInfo.substring(colon + 1), "password");
            user = u.isEmpty() ? null : u;
            if (password.isEmpty()) {
                throw new IllegalArgumentException("redisUrl: the password after ':' is empty");
            }
        }
        int defaultPort = topology == Topology.SENTINEL ? 26379 : 6379;
        List<Endpoint> endpoints = new ArrayList<>();
        for (String hp : authority.split(",", -1)) {
            endpoints.add(endpoint(hp.trim(), defaultPort));
        }

        int db = 0;
        String master = null;
        List<String> parts = path.isEmpty() ? List.of() : List.of(path.split("/", -1));
        if (topology == Topology.SENTINEL) {
            if (parts.isEmpty() || parts.get(0).isEmpty()) {
                throw new IllegalArgumentException(
                        "redisUrl: a redis-sentinel:// URL needs the master name as its path: "
                                + "redis-sentinel://host:26379/mymaster");
            }
            master = decode(parts.get(0), "master name");
            if (parts.size() > 2) {
                throw new IllegalArgumentException("redisUrl: Sentinel path is /masterName[/db]");
            }
            if (parts.size() == 2) {
                db = database(parts.get(1));
            }
        } else {
            if (parts.size() > 1) {
                throw new IllegalArgumentException("redisUrl: path must be /db (a number)");
            }
            if (parts.size() == 1 && !parts.get(0).isEmpty()) {
                db = database(parts.get(0));
            }
            if (topology == Topology.CLUSTER && db != 0) {
                throw new IllegalArgumentException("redisUrl: Redis Cluster has only database 0");
            }
        }
        return new RedisUrl(topology, tls, endpoints, user, password, db, master);
    }

    private static Endpoint endpoint(String hp, int defaultPort) {
        if (hp.isEmpty()) {
            throw new IllegalArgumentException("redisUrl: empty host");
        }
        String host;
        String port = null;
        if (hp.startsWith("[")) {
            int close = hp.indexOf(']');
            if (close < 0) {
                throw new IllegalArgumentException("redisUrl: unclosed '[' in IPv6 host '" + hp + "'");
            }
            host = hp.substring(1, close);
            if (close + 1 < hp.length()) {
                if (hp.charAt(close + 1) != ':') {
                    throw new IllegalArgumentException("redisUrl: bad host '" + hp + "'");
                }
                port = hp.substring(close + 2);
            }
        } else {
            int colon = hp.indexOf(':');
            if (colon >= 0 && hp.indexOf(':', colon + 1) >= 0) {
                throw new IllegalArgumentException("redisUrl: write IPv6 hosts in brackets: [::1]:6379");
            }
            host = colon < 0 ? hp : hp.substring(0, colon);
            port = colon < 0 ? null : hp.substring(colon + 1);
        }
        if (host.isEmpty()) {
            throw new IllegalArgumentException("redisUrl: empty host in '" + hp + "'");
        }
        int p = defaultPort;
        if (port != null) {
            try {
                p = Integer.parseInt(port);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("redisUrl: port '" + port + "' is not a number");
            }
            if (p < 1 || p > 65535) {
                throw new IllegalArgumentException("redisUrl: port " + p + " is not in 1..65535");
            }
        }
        return new Endpoint(host, p);
    }

    private static int database(String s) {
        try {
            int db = Integer.parseInt(s);
            if (db < 0) {
                throw new NumberFormatException();
            }
            return db;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("redisUrl: database '" + s + "' is not a number >= 0");
        }
    }

    private static String decode(String s, String what) {
        try {
            return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("redisUrl: bad percent-encoding in the " + what);
        }
    }

    /** The URL with the password replaced by {@code ****}; safe to log. */
    public String masked() {
        StringBuilder sb = new StringBuilder();
        sb.append(tls ? "rediss" : "redis");
        if (topology == Topology.SENTINEL) {
            sb.append("-sentinel");
        } else if (topology == Topology.CLUSTER) {
            sb.append("-cluster");
        }
        sb.append("://");
        if (password != null) {
            sb.append(user == null ? "" : user).append(":****@");
        }
        for (int i = 0; i < endpoints.size(); i++) {
            if (i > 0) {
                sb.append(',');
            }
            sb.append(endpoints.get(i));
        }
        if (topology == Topology.SENTINEL) {
            sb.append('/').append(masterName);
            if (database != 0) {
                sb.append('/').append(database);
            }
        } else if (database != 0) {
            sb.append('/').append(database);
        }
        return sb.toString();
    }

    /** Same as {@link #masked()}: never shows the password. */
    @Override
    public String toString() {
        return masked();
    }

    /**
     * Masks the password of any text that looks like a Redis URL, without parsing it (for messages
     * about URLs that failed to parse).
     */
    public static String maskAny(String url) {
        if (url == null) {
            return "null";
        }
        // The last '@' before a space ends the credentials (as in parse), so a password may hold '/' or '@'.
        return url.replaceAll("(?<=://)([^:/@\\s]*):\\S*@", "$1:****@");
    }
}
