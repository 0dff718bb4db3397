package io.amorsize.cache;

import io.amorsize.Ticker;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * One writer of the compare-and-set race ({@link RedisCompareAndSetIT}), run as a child JVM: connects,
 * prints {@code READY}, waits for {@code GO} on stdin, then puts the entry created at
 * {@code createdAt} under {@code <prefix>v1:race:n1:c} {@code rounds} times and prints {@code DONE}.
 *
 * <p>Usage: {@code CasRaceChild <redisUrl> <prefix> <createdAt> <rounds>}.
 */
public final class CasRaceChild {

    private CasRaceChild() {}

    public static void main(String[] args) throws Exception {
        String url = args[0];
        String prefix = args[1];
        long createdAt = Long.parseLong(args[2]);
        int rounds = Integer.parseInt(args[3]);
        CacheConfig cfg = CacheConfig.builder()
                .redisUrl(url)
                .keyPrefix(prefix)
                .deadline(Duration.ofSeconds(5))
                .socketTimeout(Duration.ofSeconds(2))
                .build();
        try (RedisStore store = new RedisStore(cfg, Entries.CODEC, Ticker.system())) {
            if (!store.ping()) {
                throw new IllegalStateException("no Redis at " + url);
            }
            System.out.println("READY");
            System.out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            if (!"GO".equals(in.readLine())) {
                throw new IllegalStateException("expected GO");
            }
            CacheEntry entry = Entries.sample(Entries.key("race:n1:c"), createdAt);
            for (int i = 0; i < rounds; i++) {
                store.put(entry.key(), entry);
            }
            System.out.println("DONE");
        }
    }
}
