package streamkmeans.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Locale;
import streamkmeans.engine.PointBlock;

/**
 * Reads a file of points, one per line, into a {@link PointBlock} of float32 values.
 *
 * <p>Formats:
 * <ul>
 *   <li>whitespace: numbers separated by spaces and/or tabs (leading, trailing and repeated
 *       separators are fine, as in the space-padded benchmark files);</li>
 *   <li>csv: numbers separated by commas, cells may be double-quoted;</li>
 *   <li>jsonl: one JSON value per line, either an array of numbers or an object with a
 *       {@code "features"} array (the streaming contract,
 *       {@code {"key":..,"id":..,"ts":..,"features":[...]}}; other fields are ignored).</li>
 * </ul>
 * A whitespace or CSV file may start with a header row whose cells are all non-numeric names; it is
 * skipped. Blank lines are skipped everywhere. Every value must be a finite float32, and every row
 * must have as many values as the first one. Any violation is an {@link InputException} naming the
 * file, the line, the column and the problem.
 *
 * <p>Cost: one pass over the text, O(total characters); memory 4 bytes per value plus the array
 * doubling slack. No regular expressions: a hand-written tokenizer feeds
 * {@link Float#parseFloat(String)}.
 */
public final class PointFileReader {

    /** How the lines of a point file are written. */
    public enum Format {
        /** Decided from the first non-blank line: jsonl if it starts with '{' or '[', csv if it has a comma. */
        AUTO("auto"),
        /** Whitespace-separated numbers. */
        WHITESPACE("whitespace"),
        /** Comma-separated numbers. */
        CSV("csv"),
        /** One JSON array or {@code {"features":[...]}} object per line. */
        JSONL("jsonl");

        private final String label;

        Format(String label) {
            this.label = label;
        }

        /** The name used on the command line. */
        public String label() {
            return label;
        }

        /** Parses a command-line name ({@code auto}, {@code whitespace}, {@code csv}, {@code jsonl}). */
        public static Format parse(String s) {
            String v = s.trim().toLowerCase(Locale.ROOT);
            for (Format f : values()) {
                if (f.label.equals(v)) {
                    return f;
                }
            }
            if (v.equals("json")) {
                return JSONL;
            }
            throw new IllegalArgumentException(
                    "unknown format '" + s + "' (expected auto, whitespace, csv or jsonl)");
        }

        @Override
        public String toString() {
            return label;
        }
    }

    /** Name used in messages for standard input. */
    public static final String STDIN = "<stdin>";

    /** What the UTF-8 decoder puts in place of bytes that are not UTF-8. */
    private static final char MALFORMED = '\uFFFD';

    /** Cell texts longer than this are shortened in messages. */
    private static final int QUOTE_LIMIT = 40;

    private static final int OK = 0;
    private static final int NOT_A_NUMBER = 1;
    private static final int NOT_FINITE = 2;
    private static final int OUT_OF_RANGE = 3;

    private static final JsonFactory JSON = JsonFactory.builder()
            .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .build();

    private final String source;
    private Format format;
    private final ArrayList<String> cells = new ArrayList<>();
    private float[] data = new float[1024];
    private int size;
    private int dims = -1;
    private long dimsLine;
    private boolean dimsFromHeader;
    private boolean sawHeader;
    private float value;

    private PointFileReader(String source, Format format) {
        this.source = source;
        this.format = format;
    }

    /**
     * Reads {@code file} (UTF-8). Messages name the file as {@code file.toString()} shows it.
     *
     * @throws InputException when the file cannot be read or any line is not a valid point
     */
    public static PointBlock read(Path file, Format format) throws InputException {
        String source = file.toString();
        if (Files.isDirectory(file)) {
            throw new InputException(source, "is a directory, not a file");
        }
        // A decoder that replaces malformed bytes (unlike Files.newBufferedReader) lets the check in
        // line() name the line that holds them.
        try (Reader in = new InputStreamReader(Files.newInputStream(file), StandardCharsets.UTF_8)) {
            return read(in, source, format);
        } catch (NoSuchFileException e) {
            throw new InputException(source, "no such file", e);
        } catch (AccessDeniedException e) {
            throw new InputException(source, "permission denied", e);
        } catch (IOException e) {
            throw new InputException(source, "cannot read: " + describe(e), e);
        }
    }

    /**
     * Reads all lines of {@code in}; {@code source} names it in messages (for example
     * {@link #STDIN}). A line holding U+FFFD, which a decoder writes for bytes that are not UTF-8, is
     * refused as binary. The reader is not closed.
     *
     * @throws InputException when reading fails or any line is not a valid point
     */
    public static PointBlock read(Reader in, String source, Format format) throws InputException {
        BufferedReader lines = in instanceof BufferedReader b ? b : new BufferedReader(in, 1 << 16);
        PointFileReader reader = new PointFileReader(source, format);
        long number = 0;
        try {
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                // Spreadsheet exports often start with a byte-order mark.
                reader.line(number == 0 && line.startsWith("\uFEFF") ? line.substring(1) : line, ++number);
            }
        } catch (IOException e) {
            throw new InputException(source, "cannot read: " + describe(e), e);
        }
        return reader.finish();
    }

    private static String describe(IOException e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    private void line(String line, long number) throws InputException {
        int first = 0;
        while (first < line.length() && Character.isWhitespace(line.charAt(first))) {
            first++;
        }
        if (first == line.length()) {
            return;
        }
        if (line.indexOf(MALFORMED) >= 0) {
            throw new InputException(source, number, "not UTF-8 text (a binary file?)");
        }
        if (format == Format.AUTO) {
            format = detect(line, first);
        }
        switch (format) {
            case WHITESPACE -> {
                splitWhitespace(line, first);
                delimitedRow(number);
            }
            case CSV -> {
                splitCsv(line, number);
                delimitedRow(number);
            }
            default -> jsonRow(line, number);
        }
    }

    private static Format detect(String line, int first) {
        char c = line.charAt(first);
        if (c == '{' || c == '[') {
            return Format.JSONL;
        }
        return line.indexOf(',', first) >= 0 ? Format.CSV : Format.WHITESPACE;
    }

    private void splitWhitespace(String line, int from) {
        cells.clear();
        int n = line.length();
        int i = from;
        while (i < n) {
            int start = i;
            while (i < n && !Character.isWhitespace(line.charAt(i))) {
                i++;
            }
            cells.add(line.substring(start, i));
            while (i < n && Character.isWhitespace(line.charAt(i))) {
                i++;
            }
        }
    }

    /** Splits on commas; a cell may be double-quoted, with {@code ""} standing for one quote. */
    private void splitCsv(String line, long number) throws InputException {
        cells.clear();
        int n = line.length();
        int i = 0;
        while (true) {
            while (i < n && line.charAt(i) != ',' && Character.isWhitespace(line.charAt(i))) {
                i++;
            }
            if (i < n && line.charAt(i) == '"') {
                StringBuilder cell = new StringBuilder();
                i++;
                while (true) {
                    if (i >= n) {
                        throw new InputException(source, number,
                                "column " + (cells.size() + 1) + ": unterminated quoted cell");
                    }
                    char c = line.charAt(i++);
                    if (c == '"') {
                        if (i < n && line.charAt(i) == '"') {
                            cell.append('"');
                            i++;
                        } else {
                            break;
                        }
                    } else {
                        cell.append(c);
                    }
                }
                while (i < n && line.charAt(i) != ',') {
                    if (!Character.isWhitespace(line.charAt(i))) {
                        throw new InputException(source, number,
                                "column " + (cells.size() + 1) + ": text after a closing quote");
                    }
                    i++;
                }
                cells.add(cell.toString().trim());
            } else {
                int start = i;
                while (i < n && line.charAt(i) != ',') {
                    i++;
                }
                int end = i;
                while (end > start && Character.isWhitespace(line.charAt(end - 1))) {
                    end--;
                }
                cells.add(line.substring(start, end));
            }
            if (i >= n) {
                return;
            }
            i++; // the comma
        }
    }

    private void delimitedRow(long number) throws InputException {
        int count = cells.size();
        if (dims < 0 && !sawHeader && isHeader()) {
            sawHeader = true;
            dims = count;
            dimsLine = number;
            dimsFromHeader = true;
            return;
        }
        checkCount(count, number);
        for (int c = 0; c < count; c++) {
            String cell = cells.get(c);
            if (cell.isEmpty()) {
                throw new InputException(source, number, "column " + (c + 1) + ": empty cell");
            }
            int status = parse(cell);
            if (status != OK) {
                throw new InputException(source, number, "column " + (c + 1) + ": " + problem(cell, status));
            }
            append(value);
        }
    }

    /** A header row: every cell is a non-empty name that is not a number (not even NaN or Inf). */
    private boolean isHeader() {
        for (String cell : cells) {
            if (cell.isEmpty() || parse(cell) != NOT_A_NUMBER) {
                return false;
            }
        }
        return true;
    }

    private void jsonRow(String line, long number) throws InputException {
        try (JsonParser p = JSON.createParser(line)) {
            JsonToken t = p.nextToken();
            int count;
            if (t == JsonToken.START_OBJECT) {
                count = -1;
                for (t = p.nextToken(); t == JsonToken.FIELD_NAME; t = p.nextToken()) {
                    String name = p.currentName();
                    JsonToken v = p.nextToken();
                    if (name.equals("features")) {
                        if (count >= 0) {
                            throw new InputException(source, number, "\"features\" given twice");
                        }
                        if (v != JsonToken.START_ARRAY) {
                            throw new InputException(source, number, "\"features\" is not an array");
                        }
                        count = jsonNumbers(p, number);
                    } else {
                        p.skipChildren();
                    }
                }
                if (count < 0) {
                    throw new InputException(source, number, "no \"features\" array");
                }
            } else if (t == JsonToken.START_ARRAY) {
                count = jsonNumbers(p, number);
            } else {
                throw new InputException(source, number,
                        "expected a JSON array of numbers or an object with a \"features\" array");
            }
            if (p.nextToken() != null) {
                throw new InputException(source, number, "more than one JSON value on the line");
            }
            if (count == 0) {
                throw new InputException(source, number, "no values");
            }
            checkCount(count, number);
        } catch (JsonProcessingException e) {
            throw new InputException(source, number, "not valid JSON: " + firstLine(e.getOriginalMessage()));
        } catch (IOException e) {
            throw new InputException(source, number, "cannot read: " + describe(e));
        }
    }

    /** Reads the numbers of an array whose START_ARRAY was just read, appends them, returns how many. */
    private int jsonNumbers(JsonParser p, long number) throws IOException, InputException {
        int count = 0;
        for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
            count++;
            if (t != JsonToken.VALUE_NUMBER_INT && t != JsonToken.VALUE_NUMBER_FLOAT) {
                String shown = t == JsonToken.VALUE_STRING ? "\"" + shorten(p.getText()) + "\""
                        : t.isStructStart() ? (t == JsonToken.START_ARRAY ? "an array" : "an object")
                        : p.getText();
                throw new InputException(source, number, "feature " + count + ": " + shown + " is not a number");
            }
            String text = p.getText();
            int status = parse(text);
            if (status != OK) {
                throw new InputException(source, number, "feature " + count + ": " + problem(text, status));
            }
            append(value);
        }
        return count;
    }

    private void checkCount(int count, long number) throws InputException {
        if (dims < 0) {
            dims = count;
            dimsLine = number;
        } else if (count != dims) {
            String where = dimsFromHeader ? " as in the header on line " : " as on line ";
            throw new InputException(source, number,
                    count + (count == 1 ? " value" : " values") + ", expected " + dims + where + dimsLine);
        }
    }

    /**
     * Parses a decimal number into {@link #value}. Only digits, signs, '.', 'e' and 'E' are
     * accepted, so Java-only spellings ({@code 1f}, {@code 0x1p3}) are refused like any other text.
     */
    private int parse(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (!((c >= '0' && c <= '9') || c == '.' || c == '-' || c == '+' || c == 'e' || c == 'E')) {
                return isNonFiniteWord(text) ? NOT_FINITE : NOT_A_NUMBER;
            }
        }
        float v;
        try {
            v = Float.parseFloat(text);
        } catch (NumberFormatException e) {
            return NOT_A_NUMBER;
        }
        if (Float.isInfinite(v)) {
            return OUT_OF_RANGE;
        }
        value = v;
        return OK;
    }

    private static boolean isNonFiniteWord(String text) {
        String v = text.toLowerCase(Locale.ROOT);
        if (v.startsWith("+") || v.startsWith("-")) {
            v = v.substring(1);
        }
        return v.equals("nan") || v.equals("inf") || v.equals("infinity");
    }

    private static String problem(String text, int status) {
        String quoted = "'" + shorten(text) + "'";
        return switch (status) {
            case NOT_FINITE -> quoted + " is not a finite number";
            case OUT_OF_RANGE -> quoted + " is not finite as float32 (beyond ±" + Float.MAX_VALUE + ")";
            default -> quoted + " is not a number";
        };
    }

    private static String shorten(String text) {
        return text.length() <= QUOTE_LIMIT ? text : text.substring(0, QUOTE_LIMIT) + "...";
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "syntax error";
        }
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }

    private void append(float v) throws InputException {
        if (size == data.length) {
            if (data.length >= Integer.MAX_VALUE - 16) {
                throw new InputException(source, "more than " + (Integer.MAX_VALUE - 16) + " values: too large for one array");
            }
            data = Arrays.copyOf(data, (int) Math.min(Integer.MAX_VALUE - 16L, 2L * data.length));
        }
        data[size++] = v;
    }

    private PointBlock finish() throws InputException {
        if (size == 0) {
            throw new InputException(source, sawHeader ? "no data rows after the header" : "no data rows");
        }
        return PointBlock.of(size == data.length ? data : Arrays.copyOf(data, size), dims);
    }
}
