import { describe, expect, it } from "vitest";
import { compileMatcher } from "@/lib/auth/middleware";

describe("compileMatcher", () => {
  it("matches a string path and everything below it, but not a longer name", () => {
    const matches = compileMatcher(["/protected"]);
    expect(matches("/protected")).toBe(true);
    expect(matches("/protected/x")).toBe(true);
    expect(matches("/protected/x/y")).toBe(true);
    expect(matches("/protectedness")).toBe(false);
    expect(matches("/protected-area")).toBe(false);
    expect(matches("/")).toBe(false);
    expect(matches("/other/protected")).toBe(false);
  });

  it("matches any of several entries", () => {
    const matches = compileMatcher(["/admin", "/billing"]);
    expect(matches("/admin/users")).toBe(true);
    expect(matches("/billing")).toBe(true);
    expect(matches("/public")).toBe(false);
  });

  it("protects everything with /", () => {
    const matches = compileMatcher(["/"]);
    expect(matches("/")).toBe(true);
    expect(matches("/anything/below")).toBe(true);
  });

  it("matches nothing with an empty list", () => {
    const matches = compileMatcher([]);
    expect(matches("/")).toBe(false);
    expect(matches("/admin")).toBe(false);
  });

  it("uses RegExp entries as tests", () => {
    const matches = compileMatcher([/^\/reports\/\d+$/, "/admin"]);
    expect(matches("/reports/42")).toBe(true);
    expect(matches("/reports/abc")).toBe(false);
    expect(matches("/reports/42/edit")).toBe(false);
    expect(matches("/admin/x")).toBe(true);
  });

  it("uses a function matcher as is", () => {
    const seen: string[] = [];
    const matcher = (path: string) => {
      seen.push(path);
      return path.endsWith(".private");
    };
    const matches = compileMatcher(matcher);
    expect(matches).toBe(matcher);
    expect(matches("/notes/a.private")).toBe(true);
    expect(matches("/notes/a.public")).toBe(false);
    expect(seen).toEqual(["/notes/a.private", "/notes/a.public"]);
  });
});

describe("matcher edge cases", () => {
  it("a RegExp with the g or y flag gives the same answer on every call", () => {
    for (const pattern of [/^\/admin/g, /^\/admin/y, /^\/admin/gy]) {
      const matches = compileMatcher([pattern]);
      expect([matches("/admin"), matches("/admin"), matches("/admin")]).toEqual([true, true, true]);
    }
  });

  it("a trailing slash still protects the bare path", () => {
    const matches = compileMatcher(["/admin/"]);
    expect([matches("/admin"), matches("/admin/x"), matches("/administrator")]).toEqual([true, true, false]);
  });
});
