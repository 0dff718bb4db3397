package io.amorsize.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class BatchingIteratorTest {

    @Test
    void callsOncePerBatchFlushesTheLastPartialBatchAndStreams() {
        List<Integer> sizes = new ArrayList<>();
        int[] maxPulledAhead = {0};
        int[] pulled = {0};
        int[] emitted = {0};
        Iterator<Integer> source = new Iterator<>() {
            int i = 0;

            public boolean hasNext() {
                return i < 25;
            }

            public Integer next() {
                pulled[0]++;
                maxPulledAhead[0] = Math.max(maxPulledAhead[0], pulled[0] - emitted[0]);
                return i++;
            }
        };
        BatchingIterator<Integer, String> it = new BatchingIterator<>(source, 10, batch -> {
            sizes.add(batch.size());
            return batch.stream().map(String::valueOf).collect(Collectors.toList());
        });
        List<String> out = new ArrayList<>();
        while (it.hasNext()) {
            out.add(it.next());
            emitted[0]++;
        }
        assertEquals(List.of(10, 10, 5), sizes);
        assertEquals(IntStream.range(0, 25).mapToObj(String::valueOf).collect(Collectors.toList()), out);
        // never more than one batch pulled ahead of what was emitted: the partition is streamed
        assertEquals(10, maxPulledAhead[0]);
    }
}
