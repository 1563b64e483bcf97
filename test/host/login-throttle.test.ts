import { LoginThrottle } from "../../runtime/host";
import { MovableClock } from "./helpers/test-host";

test("locks a username after its free failures, doubling up to the maximum, and forgets later", () => {
  const clock = new MovableClock();
  const throttle = new LoginThrottle(clock, { perUsername: { freeFailures: 3, baseLockMs: 1000, maxLockMs: 4000, forgetAfterMs: 60_000 } });
  const waits: Array<number | undefined> = [];
  for (let i = 0; i < 6; i++) {
    throttle.failed("Jdoe", `10.0.0.${i}`);
    waits.push(throttle.check("JDOE", "10.9.9.9")?.retryAfterMs);
    clock.advance(throttle.check("jdoe", "x")?.retryAfterMs ?? 0);
  }
  expect(waits).toEqual([undefined, undefined, undefined, 1000, 2000, 4000]);
  clock.advance(60_000);
  expect(throttle.check("jdoe", "x")).toBeUndefined();
  throttle.failed("jdoe", "x");
  expect(throttle.check("jdoe", "x")).toBeUndefined(); // counting starts again
});

test("a success clears the username's count but not the address's", () => {
  const clock = new MovableClock();
  const throttle = new LoginThrottle(clock, { perUsername: { freeFailures: 1 }, perAddress: { freeFailures: 2, baseLockMs: 5000 } });
  throttle.failed("a", "1.2.3.4");
  throttle.failed("a", "1.2.3.4");
  expect(throttle.check("a", "5.6.7.8")?.scope).toBe("username");
  throttle.succeeded("a");
  expect(throttle.check("a", "5.6.7.8")).toBeUndefined();
  throttle.failed("b", "1.2.3.4");
  expect(throttle.check("c", "1.2.3.4")).toEqual({ scope: "address", retryAfterMs: 5000 });
});

test("keeps at most maxKeys keys", () => {
  const throttle = new LoginThrottle(new MovableClock(), { perUsername: { freeFailures: 0 }, maxKeys: 3 });
  for (const name of ["a", "b", "c", "d"]) throttle.failed(name, name);
  expect(throttle.check("a", "z")).toBeUndefined();
  expect(throttle.check("d", "z")?.scope).toBe("username");
});
