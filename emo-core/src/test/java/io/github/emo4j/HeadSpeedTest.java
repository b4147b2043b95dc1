package io.github.emo4j;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

class HeadSpeedTest {

    @Test
    void interpolatesBetweenKeysAndHoldsOutside() {
        HeadSpeed s = HeadSpeed.parse("1:0.5, 3:1.5,4:0");
        assertEquals(0.5, s.at(0), 1e-12);
        assertEquals(0.5, s.at(1), 1e-12);
        assertEquals(1.0, s.at(2), 1e-12);
        assertEquals(0.375, s.at(3.75), 1e-12);
        assertEquals(0, s.at(100), 1e-12);
        assertEquals(2.0, MotionControl.NATURAL.withHeadSpeed(HeadSpeed.constant(2)).headSpeedAt(7), 1e-12);
        assertEquals(1.0, MotionControl.NATURAL.headSpeedAt(7), 1e-12);
    }

    @Test
    void badCurvesAreRefusedWithTheReason() {
        assertTrue(assertThrows(InvalidInputException.class, () -> HeadSpeed.parse("1:0.5,1:0.7")).getMessage().contains("increasing"));
        assertTrue(assertThrows(InvalidInputException.class, () -> HeadSpeed.parse("0:9")).getMessage().contains("between 0 and 4"));
        assertTrue(assertThrows(InvalidInputException.class, () -> HeadSpeed.parse("0-1")).getMessage().contains("SECONDS:SPEED"));
        assertTrue(assertThrows(InvalidInputException.class, () -> HeadSpeed.parse("x:1")).getMessage().contains("numbers"));
        assertThrows(InvalidInputException.class, () -> HeadSpeed.parse("NaN:1"));
    }
}
