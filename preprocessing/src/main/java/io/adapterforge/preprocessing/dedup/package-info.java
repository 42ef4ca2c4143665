/**
 * Duplicate removal within each adapter: exact duplicates of the normalized conversation, and
 * optionally near-duplicates by MinHash LSH (Spark MLlib). Rows are marked, never dropped, so the
 * report can count them; the kept row of each group is chosen deterministically.
 */
package io.adapterforge.preprocessing.dedup;
