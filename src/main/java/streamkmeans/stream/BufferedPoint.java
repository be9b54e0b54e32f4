package streamkmeans.stream;

/**
 * A point waiting in a window of the clusterer's keyed state: what its label needs (id and event
 * time) and its features. The key is the state's key and is not repeated. Flink stores it with its
 * POJO serializer (Java records are POJOs to Flink), which allows adding fields later.
 *
 * @param id       the point's id, or null
 * @param ts       the point's event time, epoch ms
 * @param features the features (shared with the parsed point, never modified)
 */
public record BufferedPoint(String id, long ts, float[] features) {
}
