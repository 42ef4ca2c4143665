/**
 * The adapter router: a Spark ML pipeline (Unicode word tokenizer → hashed term frequencies → IDF →
 * multinomial logistic regression) that picks, for a user query, the adapter trained on the most
 * similar domain, or answers {@value io.adapterforge.evaluation.router.AdapterRouter#BASE} when it
 * is not confident. {@link io.adapterforge.evaluation.router.AdapterRouter} trains it, {@link
 * io.adapterforge.evaluation.router.RouterModel} routes, saves, loads and evaluates.
 */
package io.adapterforge.evaluation.router;
