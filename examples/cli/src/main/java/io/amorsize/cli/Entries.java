package io.amorsize.cli;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.amorsize.cache.CacheEntry;

/** Encodes and decodes one cache entry for a bundle (the text a store would hold under the key). */
final class Entries {

    private static final ObjectMapper MAPPER = Json.STRICT.copy()
            .disable(SerializationFeature.INDENT_OUTPUT);

    private final String secret;

    Entries(String secret) {
        this.secret = secret;
    }

    String encode(String key, CacheEntry e) {
        try {
            return MAPPER.writeValueAsString(e);
        } catch (JacksonException ex) {
            throw new IllegalStateException("cannot encode entry " + key + ": " + Json.describe(ex));
        }
    }

    /** The entry, or IllegalArgumentException naming what is wrong. */
    CacheEntry decode(String key, String text) {
        CacheEntry e;
        try {
            e = MAPPER.readValue(text, CacheEntry.class);
        } catch (JacksonException ex) {
            throw new IllegalArgumentException("entry " + key + " is invalid: " + Json.describe(ex));
        }
        if (!key.equals(e.key())) {
            throw new IllegalArgumentException("entry " + key + " was written under another key");
        }
        return e;
    }
}
