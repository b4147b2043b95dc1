package io.github.emo4j.examples;

import io.github.emo4j.InvalidInputException;
import picocli.CommandLine;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * The command line's numbers: whole numbers in decimal only (not picocli's hexadecimal and octal: a
 * {@code --steps 0x10} is a typo, not 16), finite decimals only (NaN and infinities are refused like any
 * other word), and ranges checked with the option's name.
 */
final class Numbers {
    private Numbers() {
    }

    /** Registers the converters on {@code cli} and its subcommands. */
    static void register(CommandLine cli) {
        ITypeConverter<Long> whole = Numbers::whole;
        ITypeConverter<Integer> wholeInt = s -> {
            long v = whole(s);
            if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
                throw new TypeConversionException("'" + s + "' is out of range");
            }
            return (int) v;
        };
        ITypeConverter<Double> finite = Numbers::finite;
        cli.registerConverter(Long.class, whole).registerConverter(long.class, whole)
                .registerConverter(Integer.class, wholeInt).registerConverter(int.class, wholeInt)
                .registerConverter(Double.class, finite).registerConverter(double.class, finite);
    }

    private static long whole(String s) {
        try {
            return Long.parseLong(s.trim());
        } catch (NumberFormatException e) {
            throw new TypeConversionException("must be a whole number: '" + s + "'");
        }
    }

    private static double finite(String s) {
        double v;
        try {
            v = Double.parseDouble(s.trim());
        } catch (NumberFormatException e) {
            v = Double.NaN;
        }
        if (!Double.isFinite(v)) {
            throw new TypeConversionException("must be a number: '" + s + "'");
        }
        return v;
    }

    /**
     * {@code value}, or {@code dflt} when the option was not given, checked against its range.
     *
     * @throws InvalidInputException naming the option when the value is outside [{@code lo}, {@code hi}]
     */
    static int within(String option, Integer value, int dflt, int lo, int hi) {
        if (value == null) {
            return dflt;
        }
        if (value < lo || value > hi) {
            throw new InvalidInputException(option + " must be between " + lo + " and " + hi + ": " + value);
        }
        return value;
    }
}
