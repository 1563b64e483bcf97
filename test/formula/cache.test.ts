/** The formula and template cache: bounded, and what is used survives eviction (second chance). */
import { BoundedCache } from "../../runtime/formula/cache";

test("never holds more than its capacity, and drops what was not used since it was added", () => {
  const cache = new BoundedCache<number>(3);
  for (const [key, value] of [["a", 1], ["b", 2], ["c", 3], ["d", 4]] as const) cache.set(key, value);
  expect(cache.size).toBe(3);
  expect([cache.get("a"), cache.get("b"), cache.get("c"), cache.get("d")]).toEqual([undefined, 2, 3, 4]);
});

test("an entry read since it came in is kept when a new one arrives; the oldest unread goes", () => {
  const cache = new BoundedCache<string>(3);
  cache.set("a", "A");
  cache.set("b", "B");
  cache.set("c", "C");
  expect(cache.get("a")).toBe("A");
  cache.set("d", "D");
  expect([cache.get("a"), cache.get("b"), cache.get("c"), cache.get("d")]).toEqual(["A", undefined, "C", "D"]);
});

test("when every entry was read, the oldest goes after one more round; setting a known key replaces it in place", () => {
  const cache = new BoundedCache<number>(2);
  cache.set("a", 1);
  cache.set("b", 2);
  cache.get("a");
  cache.get("b");
  cache.set("c", 3);
  expect(cache.size).toBe(2);
  expect(cache.get("a")).toBeUndefined();
  cache.set("b", 20);
  expect([cache.get("b"), cache.get("c"), cache.size]).toEqual([20, 3, 2]);
});

test("a hot set of keys stays cached however many other keys pass through", () => {
  const cache = new BoundedCache<number>(50);
  for (let i = 0; i < 5000; i++) {
    for (const hot of ["x", "y", "z"]) if (cache.get(hot) === undefined) cache.set(hot, i);
    cache.set(`cold-${i}`, i);
  }
  expect([cache.get("x"), cache.get("y"), cache.get("z")]).toEqual([0, 0, 0]);
  expect(cache.size).toBe(50);
});
