package io.amorsize.cli;

import io.amorsize.cache.RecommendationStore;
import io.amorsize.cache.StoreStats;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "stats", description = "Keys, memory, version, clients, uptime, hit/miss counters.")
final class StatsCommand extends StoreCommand {

    @Option(names = "--json", description = "Print one JSON object instead of a table.")
    boolean json;

    @Override
    int run(Target t, RecommendationStore store) throws Exception {
        StoreStats s = store.stats();
        Map<String, Object> rows = new LinkedHashMap<>();
        rows.put("store", t.describe());
        rows.put("backend", s.backend());
        rows.put("enabled", s.enabled());
        rows.put("keys", s.keyCount());
        rows.put("memory_used_bytes", s.memoryUsedBytes());
        rows.put("server_version", s.serverVersion());
        rows.put("connected_clients", s.connectedClients());
        rows.put("uptime_seconds", s.uptimeSeconds());
        rows.put("hits", s.hits());
        rows.put("misses", s.misses());
        rows.put("fallbacks", s.fallbacks());
        rows.put("rejected", s.rejected());
        rows.put("breaker_state", s.breakerState());
        if (t.isRedis()) {
            RedisProbe.ServerCounters c = RedisProbe.serverCounters(t);
            rows.put("server_keyspace_hits", c.keyspaceHits());
            rows.put("server_keyspace_misses", c.keyspaceMisses());
        }
        if (json) {
            cli.out.println(Json.STRICT.writeValueAsString(rows));
            return unreachable(t, s);
        }
        var o = cli.out;
        o.println("store              " + t.describe());
        o.println("backend            " + s.backend() + (s.enabled() ? "" : " (shared cache not reachable)"));
        o.println("keys               " + Format.count(s.keyCount()));
        o.println("memory used        "
                + (s.memoryUsedBytes() < 0
                        ? "?"
                        : Format.bytes(s.memoryUsedBytes()) + " (" + s.memoryUsedBytes() + " bytes, whole server)"));
        o.println("server version     " + (s.serverVersion().isEmpty() ? "?" : s.serverVersion()));
        o.println("connected clients  " + Format.count(s.connectedClients()));
        o.println("uptime             " + Format.duration(s.uptimeSeconds()));
        if (rows.containsKey("server_keyspace_hits")) {
            o.println("server hits        " + Format.count((Long) rows.get("server_keyspace_hits"))
                    + " (all keys, since the server started)");
            o.println("server misses      " + Format.count((Long) rows.get("server_keyspace_misses")));
        }
        o.println("hits / misses      " + s.hits() + " / " + s.misses() + " (this command)");
        o.println("fallbacks          " + s.fallbacks());
        o.println("rejected entries   " + s.rejected());
        o.println("breaker            " + (s.breakerState().isEmpty() ? "-" : s.breakerState()));
        return unreachable(t, s);
    }

    /** Exit 1 (with one line on stderr) when a Redis store could not be read: the figures are empty. */
    private int unreachable(Target t, StoreStats s) {
        if (t.isRedis() && s.backend().startsWith("redis") && !s.enabled()) {
            cli.err.println("amorsize: Redis " + t.redis().masked() + " did not answer; server fields are unknown");
            return AmorsizeCli.EXIT_FAILED;
        }
        return AmorsizeCli.EXIT_OK;
    }
}
