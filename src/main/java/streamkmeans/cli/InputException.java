package streamkmeans.cli;

/**
 * A problem with what the user gave the command line (a file that cannot be read or written, a
 * cell that is not a number, a row of the wrong length, a k the data cannot support). It is
 * reported as one line on stderr in the compiler style {@code file:line: problem} and exit code 2;
 * it never comes with a stack trace.
 */
public final class InputException extends Exception {
    private static final long serialVersionUID = 1L;

    private final String source;
    private final long line;
    private final String problem;

    /**
     * A problem on one line of a file.
     *
     * @param source  the file as the user named it ({@code <stdin>} for standard input)
     * @param line    1-based line number, or 0 when the problem concerns the whole file
     * @param problem what is wrong, starting in lower case, without the file and line
     */
    public InputException(String source, long line, String problem) {
        super(format(source, line, problem));
        this.source = source;
        this.line = line;
        this.problem = problem;
    }

    /** A problem with a whole file (unreadable, empty, too few points). */
    public InputException(String source, String problem) {
        this(source, 0, problem);
    }

    /** The same problem, with the I/O failure that caused it kept for {@code --verbose}. */
    public InputException(String source, String problem, Throwable cause) {
        this(source, 0, problem);
        initCause(cause);
    }

    private static String format(String source, long line, String problem) {
        return line > 0 ? source + ":" + line + ": " + problem : source + ": " + problem;
    }

    /** The file as the user named it. */
    public String source() {
        return source;
    }

    /** 1-based line number, 0 when the problem is not tied to a line. */
    public long line() {
        return line;
    }

    /** What is wrong, without the file and line. */
    public String problem() {
        return problem;
    }
}
