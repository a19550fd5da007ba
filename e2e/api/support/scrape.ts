import parsePrometheusTextFormat, { type PrometheusFamily } from 'parse-prometheus-text-format';

/**
 * Scrapes `GET /api/metrics` as Prometheus would and parses the text with a Prometheus text
 * parser, so a test reads families and samples, not lines.
 */

export const TEST_METRICS_TOKEN = 'integration-test-metrics-token-0123456789';

export type Families = Map<string, PrometheusFamily>;

export async function scrape(baseUrl: string, token = TEST_METRICS_TOKEN): Promise<Families> {
  const response = await fetch(`${baseUrl}/api/metrics`, {
    headers: { Authorization: `Bearer ${token}` },
    signal: AbortSignal.timeout(10_000),
  });
  if (response.status !== 200) throw new Error(`GET /api/metrics answered ${response.status}`);
  return new Map(parsePrometheusTextFormat(await response.text()).map((family) => [family.name, family]));
}

/**
 * The sum of a family's samples whose labels include `labels` (a histogram's count, all its
 * series together: see below); 0 when
 * no sample matches. Throws if the family is missing: a renamed metric must fail loudly.
 */
export function value(families: Families, name: string, labels: Record<string, string> = {}): number {
  const family = families.get(name);
  if (!family) throw new Error(`no metric family ${name}; have: ${[...families.keys()].join(', ')}`);
  let total = 0;
  for (const sample of family.metrics) {
    const own = sample.labels ?? {};
    if (!Object.entries(labels).every(([key, wanted]) => own[key] === wanted)) continue;
    // A histogram's observations: the parser drops `_count` (and the labels) when a series has
    // labels besides `le`, so the `+Inf` bucket, which always equals the count, is read instead.
    total += Number(sample.value ?? sample.count ?? sample.buckets?.['+Inf'] ?? 0);
  }
  return total;
}
