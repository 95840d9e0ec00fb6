/**
 * SQL over `ref.areas` walking up parents: ward -> authority -> (a district's shire county) ->
 * region -> country. Used wherever "the parent's region" or "England" is needed, so a two-tier
 * area's county in the chain moves nothing.
 */

/** SQL subquery: the ancestors of the area whose code is the SQL expression `code`, `(area_code, area_type, depth)`; depth 1 is its parent. */
export function ancestorsSql(code: string): string {
  return `(WITH RECURSIVE up(area_code, depth) AS (
      SELECT parent_code, 1 FROM ref.areas WHERE area_code = ${code} AND parent_code IS NOT NULL
      UNION ALL
      SELECT a.parent_code, up.depth + 1 FROM up JOIN ref.areas a ON a.area_code = up.area_code
      WHERE a.parent_code IS NOT NULL AND a.parent_code <> a.area_code AND up.depth < 8)
    SELECT DISTINCT up.area_code, a.area_type, up.depth FROM up JOIN ref.areas a ON a.area_code = up.area_code
    WHERE a.area_type IN ('authority', 'county', 'region', 'country'))`;
}

/** SQL scalar: the nearest ancestor of a type (`county`, `region`, `country`) of the area whose code is `code`, or NULL. */
export function ancestorOfTypeSql(code: string, type: "authority" | "county" | "region" | "country"): string {
  return `(SELECT area_code FROM ${ancestorsSql(code)} WHERE area_type = '${type}' ORDER BY depth LIMIT 1)`;
}
