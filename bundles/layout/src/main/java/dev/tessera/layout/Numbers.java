package dev.tessera.layout;

import java.math.BigDecimal;
import java.math.RoundingMode;

/** How layout numbers are written: up to 10 decimals, no trailing zeros, so float noise never reaches the text. */
final class Numbers {

    private Numbers() {}

    static String format(double v) {
        if (!Double.isFinite(v)) {
            return Double.toString(v);
        }
        BigDecimal d = new BigDecimal(Double.toString(v)).setScale(10, RoundingMode.HALF_EVEN).stripTrailingZeros();
        if (d.signum() == 0) {
            return "0";
        }
        return d.toPlainString();
    }

    static BigDecimal decimal(double v) {
        return new BigDecimal(format(v));
    }
}
