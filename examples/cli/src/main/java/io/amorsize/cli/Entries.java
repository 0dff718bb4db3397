package io.amorsize.cli;

import io.amorsize.cache.CacheEntry;
import io.amorsize.cache.EntryCodec;
import io.amorsize.cache.RejectedEntryException;
import java.nio.charset.StandardCharsets;

/**
 * Encodes and decodes one cache entry for a bundle: exactly the bytes a store holds under the key
 * ({@link EntryCodec}: strict JSON, bounds, HMAC-SHA256 over key and payload when a secret is set).
 */
final class Entries {

    private final EntryCodec codec;

    Entries(String secret) {
        this.codec = EntryCodec.withSecret(secret);
    }

    /** The bytes of {@code e} stored under the rendered {@code key}. */
    String encode(String key, CacheEntry e) {
        return new String(codec.encode(key, e), StandardCharsets.UTF_8);
    }

    /** The entry, or IllegalArgumentException saying why it was rejected. */
    CacheEntry decode(String key, String text) {
        try {
            return codec.decode(key, text.getBytes(StandardCharsets.UTF_8));
        } catch (RejectedEntryException e) {
            throw new IllegalArgumentException("entry " + key + " rejected: " + e.getMessage());
        }
    }
}
