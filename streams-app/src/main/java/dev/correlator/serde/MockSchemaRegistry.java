package dev.correlator.serde;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;

/**
 * In-memory registries selected by {@code schema.registry.url=mock://<scope>}, as Confluent's serializers
 * do: every client of one scope sees the same subjects and ids. For unit tests and the embedded demo;
 * drop a scope when the test ends.
 */
public final class MockSchemaRegistry {

    public static final String MOCK_URL_PREFIX = "mock://";

    private static final Map<String, ScopeClient> SCOPES = new ConcurrentHashMap<>();

    private MockSchemaRegistry() {
    }

    /** The shared client of a scope, created on first use. */
    public static SchemaRegistryClient forScope(String scope) {
        return SCOPES.computeIfAbsent(scope, ScopeClient::new);
    }

    /** Forgets a scope and everything registered in it. */
    public static void dropScope(String scope) {
        SCOPES.remove(scope);
    }

    static String scopeOf(String url) {
        return url.substring(MOCK_URL_PREFIX.length());
    }

    private static final class ScopeClient implements SchemaRegistryClient {
        private final String scope;
        private final Map<Integer, Schema> byId = new HashMap<>();
        private final Map<Schema, Integer> idBySchema = new HashMap<>();
        private final Map<String, List<Schema>> versions = new HashMap<>();
        private final Map<String, String> compatibility = new HashMap<>();
        private String globalCompatibility = "BACKWARD";

        ScopeClient(String scope) {
            this.scope = scope;
        }

        @Override
        public synchronized int register(String subject, Schema schema) {
            List<Schema> subjectVersions = versions.computeIfAbsent(subject, s -> new ArrayList<>());
            if (!subjectVersions.contains(schema)) {
                if (!isCompatible(subject, schema)) {
                    throw new SchemaRegistryException("Schema being registered is incompatible with an earlier schema for subject \""
                            + subject + "\" (" + levelOf(subject) + ") in " + describe(), 409, 409);
                }
                subjectVersions.add(schema);
            }
            return idBySchema.computeIfAbsent(schema, s -> {
                int id = byId.size() + 1;
                byId.put(id, s);
                return id;
            });
        }

        @Override
        public synchronized int idOf(String subject, Schema schema) {
            List<Schema> subjectVersions = versions.get(subject);
            if (subjectVersions == null || !subjectVersions.contains(schema)) {
                throw new SchemaRegistryException("Schema not found under subject \"" + subject + "\" in " + describe()
                        + " and auto.register.schemas is false", 404, 40403);
            }
            return idBySchema.get(schema);
        }

        @Override
        public synchronized Schema byId(int id) {
            Schema schema = byId.get(id);
            if (schema == null) {
                throw new SchemaRegistryException("Schema id " + id + " not found in " + describe(), 404, 40403);
            }
            return schema;
        }

        @Override
        public synchronized void setCompatibility(String subjectOrNull, String level) {
            if (subjectOrNull == null) {
                globalCompatibility = level;
            } else {
                compatibility.put(subjectOrNull, level);
            }
        }

        @Override
        public synchronized boolean isCompatible(String subject, Schema schema) {
            List<Schema> previous = versions.getOrDefault(subject, List.of());
            if (previous.isEmpty()) {
                return true;
            }
            String level = levelOf(subject);
            boolean transitive = level.endsWith("_TRANSITIVE");
            List<Schema> against = transitive ? previous : List.of(previous.get(previous.size() - 1));
            for (Schema old : against) {
                boolean backward = compatible(schema, old);
                boolean forward = compatible(old, schema);
                boolean ok = switch (level.replace("_TRANSITIVE", "")) {
                    case "BACKWARD" -> backward;
                    case "FORWARD" -> forward;
                    case "FULL" -> backward && forward;
                    default -> true;
                };
                if (!ok) {
                    return false;
                }
            }
            return true;
        }

        private static boolean compatible(Schema reader, Schema writer) {
            return SchemaCompatibility.checkReaderWriterCompatibility(reader, writer).getType()
                    == SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE;
        }

        private String levelOf(String subject) {
            return compatibility.getOrDefault(subject, globalCompatibility);
        }

        @Override
        public String describe() {
            return MOCK_URL_PREFIX + scope;
        }
    }
}
