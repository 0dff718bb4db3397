package io.amorsize.flink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.amorsize.measure.Sizer;
import org.apache.flink.api.common.ExecutionConfig;
import org.apache.flink.api.java.tuple.Tuple2;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class FlinkSizerTest {

    /** A Flink POJO: public no-arg constructor, public fields. */
    public static class Order {
        public long id;
        public String customer;

        public Order() {}

        Order(long id, String customer) {
            this.id = id;
            this.customer = customer;
        }
    }

    private final FlinkSizer sizer = new FlinkSizer(new ExecutionConfig().getSerializerConfig());

    @Test
    void sizesAreWhatFlinksSerializersWriteNotJavaSerialization() {
        assertEquals(8, sizer.sizeOf(42L));
        assertEquals(4, sizer.sizeOf(7));
        assertEquals(0, sizer.sizeOf(null));
        long s = sizer.sizeOf("hello");
        assertTrue(s >= 5 && s <= 8, "a short string is its chars plus a length: " + s);
        long tuple = sizer.sizeOf(Tuple2.of(1L, "ab"));
        assertTrue(tuple > 0 && tuple <= 40, "a raw tuple goes through Kryo: " + tuple);
        long pojo = sizer.sizeOf(new Order(1, "acme"));
        assertTrue(pojo > 12 && pojo < 40, "pojo " + pojo);
        assertTrue(
                Sizer.javaSerialization().sizeOf(42L) > 5 * sizer.sizeOf(42L),
                "Java serialization overstates a Long several times");
    }

    @Test
    void anUnserializableRecordIsMinusOneNotAnException() {
        Object weird = new Object() {
            @SuppressWarnings("unused")
            private final Thread thread = Thread.currentThread();
        };
        long size = sizer.sizeOf(weird);
        assertTrue(size == -1 || size >= 0, "never throws: " + size);
    }
}
