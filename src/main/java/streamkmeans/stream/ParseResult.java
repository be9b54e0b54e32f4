package streamkmeans.stream;

/**
 * What {@link PointParser} makes of one record: a {@link Point}, or a {@link Rejection} that says
 * why not. A valid record costs no allocation beyond the point itself, since the point is the
 * result.
 */
public sealed interface ParseResult permits Point, Rejection {
}
