package io.amorsize.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.amorsize.key.CacheKey;
import org.junit.jupiter.api.Test;

class EntryFormatTest {

    private static final CacheKey K = new CacheKey("fn123", "n20", "spark-4.1.1-s8-m30");

    @Test
    void rendersTheKeyFormatExistingEntriesWereWrittenWith() {
        assertEquals("amorsize:v1:fn123:n20:spark-4.1.1-s8-m30", EntryFormat.render("amorsize:", K));
        assertEquals(
                "teamv1:fn123:n20:spark-4.1.1-s8-m30", EntryFormat.render("team", K), "the prefix is used as given");
        assertEquals(1, EntryFormat.SCHEMA_VERSION);
    }

    @Test
    void parsesARenderedKeyBackOnlyInsideItsPrefix() {
        for (String prefix : new String[] {"amorsize:", "team", "a:b:c:", "v1:", ""}) {
            String rendered = EntryFormat.render(prefix, K);
            assertEquals(K, EntryFormat.parse(prefix, rendered), prefix);
            assertEquals(K, EntryFormat.keyOf(rendered), prefix);
        }
        assertThrows(IllegalArgumentException.class, () -> EntryFormat.parse("other:", "amorsize:v1:fn123:n20:c"));
        assertThrows(IllegalArgumentException.class, () -> EntryFormat.parse("amorsize:", "amorsize:"));
        assertThrows(IllegalArgumentException.class, () -> EntryFormat.parse("amorsize:", "amorsize:v2:fn123:n20:c"));
        assertThrows(IllegalArgumentException.class, () -> EntryFormat.parse("amorsize:", "amorsize:lock:v1:fn:n20:c"));
        assertThrows(IllegalArgumentException.class, () -> EntryFormat.parse("amorsize:", "amorsize:v1:fn:n20"));
        assertThrows(
                IllegalArgumentException.class, () -> EntryFormat.parse("amorsize:", "amorsize:v1:fn:n20:c:extra"));
        assertThrows(IllegalArgumentException.class, () -> EntryFormat.parse("amorsize:", "amorsize:v1:f*:n20:c"));
        assertThrows(IllegalArgumentException.class, () -> EntryFormat.keyOf("amorsize:v2:fn:n20:c"));
        assertThrows(IllegalArgumentException.class, () -> EntryFormat.keyOf("fn:n20:c"));
    }

    @Test
    void patternsAreScopedToThePrefix() {
        assertEquals("amorsize:v1:*", EntryFormat.scoped("amorsize:", "v1:*"));
        assertEquals("amorsize:v1:*", EntryFormat.scoped("amorsize:", "amorsize:v1:*"));
    }
}
