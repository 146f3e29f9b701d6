/** The shape of @platformatic/kafka's internal metadata lookup (`Base[kMetadata]`). */
type MetadataLookup = (
  options: { topics?: string[]; forceUpdate?: boolean } & Record<string, unknown>,
  callback: (error: Error | null, metadata?: { topics: Map<string, unknown> }) => void,
) => void;

/** The description of the symbol @platformatic/kafka keys its metadata lookup by (not exported). */
const METADATA_SYMBOL = 'plt.kafka.base.metadata';

/**
 * Guards a @platformatic/kafka client against a race in its metadata cache (2.12.1; upstream
 * platformatic/kafka#109): a lookup that fetches only the topics missing from the cache, while
 * another operation clears the cache after a stale-metadata error (a leader moved), answers without
 * the topics it did not fetch — and the producer then throws a TypeError ("reading
 * 'partitionsCount'") in a network callback, which ends the process. That happens exactly while a
 * broker of a cluster is replaced. Here, a lookup whose answer misses a topic it asked for is made
 * again with `forceUpdate` (every topic fetched, so the answer holds them all).
 *
 * The lookup is found on the client by its symbol's description; when a version of the library
 * has none, the client is left as it is and `false` is returned.
 */
export function guardMetadataLookups(client: object): boolean {
  let proto: object | null = Object.getPrototypeOf(client) as object | null;
  while (proto) {
    const symbol = Object.getOwnPropertySymbols(proto).find((s) => s.description === METADATA_SYMBOL);
    if (symbol) {
      const target = client as Record<symbol, MetadataLookup>;
      const lookup = target[symbol].bind(client);
      target[symbol] = (options, callback) =>
        lookup(options, (error, metadata) => {
          const missing = !error && metadata && (options.topics ?? []).some((topic) => metadata.topics.get(topic) === undefined);
          if (missing && !options.forceUpdate) lookup({ ...options, forceUpdate: true }, callback);
          else callback(error, metadata);
        });
      return true;
    }
    proto = Object.getPrototypeOf(proto) as object | null;
  }
  return false;
}
