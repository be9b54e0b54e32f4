package streamkmeans.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class WindowSpecTest {

    @Test
    void parsesDurationsWithUnits() {
        assertEquals(Duration.ofMillis(500), WindowSpec.parseDuration("500ms"));
        assertEquals(Duration.ofSeconds(10), WindowSpec.parseDuration("10s"));
        assertEquals(Duration.ofMinutes(5), WindowSpec.parseDuration(" 5m "));
        assertEquals(Duration.ofHours(1), WindowSpec.parseDuration("1H"));
        assertEquals(Duration.ofDays(2), WindowSpec.parseDuration("2d"));
    }

    @Test
    void refusesDurationsItCannotRead() {
        for (String bad : new String[] {"", "10", "s", "1.5s", "-1s", "10 sec", "0s", "99999999999999999999s"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> WindowSpec.parseDuration(bad), bad);
            assertTrue(e.getMessage().contains(bad.trim().isEmpty() ? "''" : bad), e.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> WindowSpec.parseDuration(null));
    }

    @Test
    void buildsTumblingSlidingAndCountWindows() {
        WindowSpec tumbling = WindowSpec.parse("10s", null);
        assertEquals(WindowSpec.Kind.TUMBLING, tumbling.kind());
        assertEquals(10_000, tumbling.sizeMillis());
        assertEquals(10_000, tumbling.slideMillis());
        assertEquals(1, tumbling.panesPerWindow());
        assertEquals("tumbling 10s", tumbling.toString());

        WindowSpec sliding = WindowSpec.parse("10s", "2500ms");
        assertEquals(WindowSpec.Kind.SLIDING, sliding.kind());
        assertEquals(4, sliding.panesPerWindow());
        assertEquals("sliding 10s/2500ms", sliding.toString());
        assertEquals(WindowSpec.Kind.TUMBLING, WindowSpec.parse("1m", "60s").kind(), "slide = size is tumbling");

        WindowSpec count = WindowSpec.count(1000);
        assertFalse(count.isTime());
        assertEquals("count 1000", count.toString());
        assertThrows(IllegalStateException.class, count::sizeMillis);
    }

    @Test
    void panesAndWindowEndsFollowFlinksEpochAlignment() {
        WindowSpec sliding = WindowSpec.sliding(Duration.ofSeconds(10), Duration.ofSeconds(5));
        assertEquals(15_000, sliding.paneStart(17_999));
        assertEquals(15_000, sliding.paneStart(15_000));
        assertEquals(-5_000, sliding.paneStart(-1), "negative times round down");
        assertEquals(20_000, sliding.firstWindowEnd(15_000));
        assertEquals(25_000, sliding.lastWindowEnd(15_000));
    }

    @Test
    void refusesInconsistentWindows() {
        assertMessage("slide 3s", () -> WindowSpec.parse("10s", "3s"));
        assertMessage("longer than the window size", () -> WindowSpec.parse("5s", "10s"));
        assertMessage("at least 1 point", () -> WindowSpec.count(0));
        assertMessage("window size must be given", () -> WindowSpec.tumbling(null));
        assertMessage("whole number of milliseconds", () -> WindowSpec.tumbling(Duration.ofNanos(1500)));
    }

    private static void assertMessage(String part, Runnable r) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, r::run);
        assertTrue(e.getMessage().contains(part), e.getMessage());
    }
}
