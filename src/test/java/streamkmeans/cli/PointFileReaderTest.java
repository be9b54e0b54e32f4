package streamkmeans.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import streamkmeans.cli.PointFileReader.Format;
import streamkmeans.engine.PointBlock;

class PointFileReaderTest {

    @TempDir
    Path dir;

    private Path write(String name, String text) throws IOException {
        Path file = dir.resolve(name);
        Files.writeString(file, text, StandardCharsets.UTF_8);
        return file;
    }

    private static PointBlock read(String text, Format format) throws InputException {
        return PointFileReader.read(new StringReader(text), "data.txt", format);
    }

    private static InputException failure(String text, Format format) {
        return assertThrows(InputException.class, () -> read(text, format));
    }

    @Test
    void whitespaceRowsAsInTheBenchmarkFiles() throws Exception {
        // Space padding, tabs, a trailing tab, a blank line, CRLF and no final newline.
        PointBlock p = read("    664159    550946\r\n\t1\t-2.5\t\n\n   3e2 +4 ", Format.WHITESPACE);
        assertEquals(3, p.size());
        assertEquals(2, p.dimension());
        assertArrayEquals(new float[] {664159f, 550946f, 1f, -2.5f, 300f, 4f}, p.data());
    }

    @Test
    void csvWithHeaderQuotesAndSpaces() throws Exception {
        PointBlock p = read("\"x, first\",y\n1.5, 2\n\"3\" ,-4e-1\n", Format.CSV);
        assertEquals(2, p.size());
        assertArrayEquals(new float[] {1.5f, 2f, 3f, -0.4f}, p.data());
    }

    @Test
    void whitespaceHeaderIsSkippedToo() throws Exception {
        PointBlock p = read("x y\n1 2\n", Format.WHITESPACE);
        assertArrayEquals(new float[] {1f, 2f}, p.data());
    }

    @Test
    void jsonLinesObjectsAndArrays() throws Exception {
        String text = "{\"key\":\"sensor-7\",\"id\":\"e-1\",\"ts\":1764370000000,\"features\":[0.12,3.4,-1.0],"
                + "\"extra\":{\"a\":[1,2]}}\n"
                + "\n"
                + "[1, 2, 3e0]\n"
                + "{\"features\":[4,5,6]}";
        PointBlock p = read(text, Format.JSONL);
        assertEquals(3, p.size());
        assertEquals(3, p.dimension());
        assertArrayEquals(new float[] {0.12f, 3.4f, -1f, 1f, 2f, 3f, 4f, 5f, 6f}, p.data());
    }

    @ParameterizedTest
    @CsvSource(delimiterString = "|", value = {
        "'1 2\n3 4'|1.0,2.0,3.0,4.0",
        "'  \n1,2\n3,4'|1.0,2.0,3.0,4.0",
        "'a,b\n1,2\n3,4'|1.0,2.0,3.0,4.0",
        "'[1,2]\n[3,4]'|1.0,2.0,3.0,4.0",
        "'{\"features\":[1,2]}\n{\"features\":[3,4]}'|1.0,2.0,3.0,4.0",
    })
    void autoDetectsTheFormatFromTheFirstLine(String text, String expected) throws Exception {
        PointBlock p = read(text, Format.AUTO);
        assertEquals(expected, joined(p.data()));
    }

    private static String joined(float[] v) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < v.length; i++) {
            b.append(i == 0 ? "" : ",").append(v[i]);
        }
        return b.toString();
    }

    @Test
    void readsFilesAndNamesThemInMessages() throws Exception {
        Path ok = write("ok.txt", "1 2\n3 4\n");
        assertEquals(2, PointFileReader.read(ok, Format.AUTO).size());

        Path bad = write("s1.txt", "1 2\n3 4\n5 6\n" + "7 8\n".repeat(13) + "9 abc\n");
        InputException e = assertThrows(InputException.class, () -> PointFileReader.read(bad, Format.AUTO));
        assertEquals(bad + ":17: column 2: 'abc' is not a number", e.getMessage());
        assertEquals(bad.toString(), e.source());
        assertEquals(17, e.line());
        assertEquals("column 2: 'abc' is not a number", e.problem());
    }

    @Test
    void raggedRowNamesBothLines() {
        InputException e = failure("\n1 2\n" + "3 4\n".repeat(6) + "5 6 7\n", Format.AUTO);
        assertEquals("data.txt:9: 3 values, expected 2 as on line 2", e.getMessage());
        e = failure("x,y\n1,2\n3\n", Format.CSV);
        assertEquals("data.txt:3: 1 value, expected 2 as in the header on line 1", e.getMessage());
        e = failure("[1,2]\n[1,2,3]\n", Format.JSONL);
        assertEquals("data.txt:2: 3 values, expected 2 as on line 1", e.getMessage());
    }

    @ParameterizedTest
    @CsvSource(delimiterString = "|", value = {
        "'1 2\n3 NaN'|data.txt:2: column 2: 'NaN' is not a finite number",
        "'1 2\n-inf 3'|data.txt:2: column 1: '-inf' is not a finite number",
        "'1 2\n3 Infinity'|data.txt:2: column 2: 'Infinity' is not a finite number",
        "'1 1e40'|data.txt:1: column 2: '1e40' is not finite as float32 (beyond ±3.4028235E38)",
        "'1 -4e38'|data.txt:1: column 2: '-4e38' is not finite as float32 (beyond ±3.4028235E38)",
        "'1 2f'|data.txt:1: column 2: '2f' is not a number",
        "'1 0x1p3'|data.txt:1: column 2: '0x1p3' is not a number",
        "'1 1.2.3'|data.txt:1: column 2: '1.2.3' is not a number",
        "'1 2\n3 -'|data.txt:2: column 2: '-' is not a number",
        "'1 2\nabc def'|data.txt:2: column 1: 'abc' is not a number",
        "'x 1'|data.txt:1: column 1: 'x' is not a number",
    })
    void badNumbersInWhitespaceFiles(String text, String message) {
        assertEquals(message, failure(text, Format.AUTO).getMessage());
    }

    @ParameterizedTest
    @CsvSource(delimiterString = "|", value = {
        "'1,2\n3,'|data.txt:2: column 2: empty cell",
        "'1,,2'|data.txt:1: column 2: empty cell",
        "'1,\"2'|data.txt:1: column 2: unterminated quoted cell",
        "'1,\"2\"x'|data.txt:1: column 2: text after a closing quote",
        "'1,2\n3,4 5'|data.txt:2: column 2: '4 5' is not a number",
        "'a,b\n1,nan'|data.txt:2: column 2: 'nan' is not a finite number",
    })
    void badCsv(String text, String message) {
        assertEquals(message, failure(text, Format.CSV).getMessage());
    }

    @ParameterizedTest
    @CsvSource(delimiterString = "|", value = {
        "'[1,\"abc\"]'|data.txt:1: feature 2: \"abc\" is not a number",
        "'[1,null]'|data.txt:1: feature 2: null is not a number",
        "'[[1,2]]'|data.txt:1: feature 1: an array is not a number",
        "'[1,NaN]'|data.txt:1: feature 2: 'NaN' is not a finite number",
        "'[1,1e40]'|data.txt:1: feature 2: '1e40' is not finite as float32 (beyond ±3.4028235E38)",
        "'{\"key\":\"a\"}'|data.txt:1: no \"features\" array",
        "'{\"features\":3}'|data.txt:1: \"features\" is not an array",
        "'{\"features\":[1],\"features\":[2]}'|data.txt:1: \"features\" given twice",
        "'[]'|data.txt:1: no values",
        "'[1,2] [3,4]'|data.txt:1: more than one JSON value on the line",
        "'\"text\"'|data.txt:1: expected a JSON array of numbers or an object with a \"features\" array",
    })
    void badJsonLines(String text, String message) {
        assertEquals(message, failure(text, Format.JSONL).getMessage());
    }

    @Test
    void invalidJsonSaysSoOnOneLine() {
        InputException e = failure("[1,2]\n{\"features\":[1,2}\n", Format.AUTO);
        String m = e.getMessage();
        assertEquals(2, e.line());
        assertEquals(true, m.startsWith("data.txt:2: not valid JSON: "), m);
        assertEquals(false, m.contains("\n"), m);
    }

    @Test
    void emptyInputs() {
        assertEquals("data.txt: no data rows", failure("", Format.AUTO).getMessage());
        assertEquals("data.txt: no data rows", failure(" \n\t\n", Format.AUTO).getMessage());
        assertEquals("data.txt: no data rows after the header", failure("x,y\n", Format.AUTO).getMessage());
    }

    @Test
    void byteOrderMarkIsSkippedAndBinaryIsRefused() throws Exception {
        Path bom = write("bom.csv", "\uFEFFx,y\n1,2\n");
        assertArrayEquals(new float[] {1f, 2f}, PointFileReader.read(bom, Format.AUTO).data());

        Path binary = dir.resolve("binary.bin");
        Files.write(binary, new byte[] {'1', ' ', '2', '\n', '3', ' ', (byte) 0xC3, (byte) 0x28, '\n'});
        InputException e = assertThrows(InputException.class, () -> PointFileReader.read(binary, Format.AUTO));
        assertEquals(binary + ":2: not UTF-8 text (a binary file?)", e.getMessage());
    }

    @Test
    void missingFileAndDirectory() {
        Path missing = dir.resolve("nope.txt");
        InputException e = assertThrows(InputException.class, () -> PointFileReader.read(missing, Format.AUTO));
        assertEquals(missing + ": no such file", e.getMessage());
        e = assertThrows(InputException.class, () -> PointFileReader.read(dir, Format.AUTO));
        assertEquals(dir + ": is a directory, not a file", e.getMessage());
    }

    @Test
    void formatNames() {
        assertEquals(Format.JSONL, Format.parse(" JSONL "));
        assertEquals(Format.JSONL, Format.parse("json"));
        assertEquals(Format.WHITESPACE, Format.parse("whitespace"));
        assertEquals("csv", Format.CSV.toString());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Format.parse("xml"));
        assertEquals("unknown format 'xml' (expected auto, whitespace, csv or jsonl)", e.getMessage());
    }

    @Test
    void sharedDatasetsReadAsTheyAre() throws Exception {
        Path root = Path.of(System.getProperty("streamkmeans.datasets", "../shared/datasets"));
        assumeTrue(Files.isDirectory(root), "datasets not found at " + root);

        PointBlock s1 = PointFileReader.read(root.resolve("s/s1.txt"), Format.AUTO);
        assertEquals(5000, s1.size());
        assertEquals(2, s1.dimension());
        assertArrayEquals(new float[] {664159f, 550946f}, s1.point(0));

        // No final newline.
        PointBlock unbalance = PointFileReader.read(root.resolve("unbalance/unbalance.txt"), Format.AUTO);
        assertEquals(6500, unbalance.size());

        // Tab-separated with a trailing tab on every line.
        PointBlock dim064 = PointFileReader.read(root.resolve("dim/dim064.txt"), Format.AUTO);
        assertEquals(1024, dim064.size());
        assertEquals(64, dim064.dimension());

        PointBlock birch1 = PointFileReader.read(root.resolve("birch/birch1.txt"), Format.AUTO);
        assertEquals(100_000, birch1.size());
        assertEquals(2, birch1.dimension());
    }
}
