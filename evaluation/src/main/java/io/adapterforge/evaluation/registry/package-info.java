/**
 * The adapter registry: a JDBC database (an embedded SQLite file by default, PostgreSQL for shared
 * use) that indexes immutable adapter versions and movable aliases, and the artifact store (a local
 * folder or any Hadoop FileSystem) that holds each version's PEFT folder.
 *
 * <p>{@link io.adapterforge.evaluation.registry.AdapterRegistry} is the entry point; its Javadoc
 * describes the publish protocol that keeps a crash from leaving a half-published version.
 */
package io.adapterforge.evaluation.registry;
