package streamkmeans.stream;

import java.io.IOException;

import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.types.StringValue;

/**
 * Reads strings in {@link StringValue}'s format (length + 1, then each UTF-16 char, all as 7-bit
 * varints; 0 for null) and returns the previous string read, the same instance, when the
 * characters are the same. For values that repeat from record to record (a model key, a topic):
 * no allocation and a cached hash code. O(length).
 *
 * <p>Safe to share between threads: it keeps only the last (immutable) string, read once per
 * call; a race can at worst replace it with another thread's string, which costs a miss.
 */
final class RepeatedString {
    private static final int HIGH_BIT = 0x80;

    private String last;

    /** The next string of {@code in}, or null; the previous string's instance when equal. */
    String read(DataInputView in) throws IOException {
        int length = varint(in, in.readUnsignedByte());
        if (length == 0) {
            return null;
        }
        length -= 1;
        String previous = last;
        if (previous != null && previous.length() == length) {
            int i = 0;
            int c = 0;
            while (i < length && (c = varint(in, in.readUnsignedByte())) == previous.charAt(i)) {
                i++;
            }
            if (i == length) {
                return previous;
            }
            // The first i chars matched; c is char i, already read.
            char[] chars = new char[length];
            previous.getChars(0, i, chars, 0);
            chars[i] = (char) c;
            return remember(in, chars, i + 1);
        }
        return remember(in, new char[length], 0);
    }

    private String remember(DataInputView in, char[] chars, int from) throws IOException {
        for (int i = from; i < chars.length; i++) {
            chars[i] = (char) varint(in, in.readUnsignedByte());
        }
        String s = new String(chars);
        last = s;
        return s;
    }

    /** A 7-bit varint whose first byte is {@code first}, least significant group first. */
    private static int varint(DataInputView in, int first) throws IOException {
        if (first < HIGH_BIT) {
            return first;
        }
        int value = first & 0x7f;
        int shift = 7;
        int next;
        while ((next = in.readUnsignedByte()) >= HIGH_BIT) {
            value |= (next & 0x7f) << shift;
            shift += 7;
        }
        return value | next << shift;
    }
}
