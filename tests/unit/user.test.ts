import { describe, expect, it } from "vitest";
import { AuthError } from "@/lib/auth/errors/auth-error";
import { createUser, UserModificationError, UserModificationErrorCode } from "@/lib/auth/user/user";

const claims = {
  is_logged_in: true,
  sub: "user-123",
  email: "ada@example.com",
  name: "Ada Lovelace",
  email_verified: true,
  provider: "google",
  groups: ["admins", "engineering"],
  address: { country: "UK", lines: ["1 Analytical Engine St"] },
};

function expectModificationError(write: () => unknown, what = "user"): void {
  let thrown: unknown;
  try {
    write();
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(UserModificationError);
  expect(thrown).toBeInstanceOf(AuthError);
  const error = thrown as UserModificationError;
  expect(error.name).toBe("UserModificationError");
  expect(error.code).toBe(UserModificationErrorCode.USER_READ_ONLY);
  expect(error.message).toContain(`The ${what} cannot be modified`);
  expect(error.message).toContain("read-only");
}

describe("reading the user", () => {
  const user = createUser(claims);

  it("reads claims by property and by key", () => {
    expect(user.email).toBe("ada@example.com");
    expect(user["name"]).toBe("Ada Lovelace");
    expect(user.is_logged_in).toBe(true);
    expect(user.email_verified).toBe(true);
    expect(user.provider).toBe("google");
    expect(user["groups"]).toEqual(["admins", "engineering"]);
  });

  it("gives undefined for missing keys, including inherited and symbol ones", () => {
    expect(user["phone_number"]).toBeUndefined();
    expect(user["no_such_claim"]).toBeUndefined();
    expect(user["hasOwnProperty"]).toBeUndefined();
    expect(user["constructor"]).toBeUndefined();
    expect((user as unknown as Record<symbol, unknown>)[Symbol.iterator]).toBeUndefined();
  });

  it("supports `in` for claims only", () => {
    expect("email" in user).toBe(true);
    expect("is_logged_in" in user).toBe(true);
    expect("phone_number" in user).toBe(false);
    expect("to_dict" in user).toBe(false);
    expect("toJSON" in user).toBe(false);
    expect("tokens" in user).toBe(false);
  });

  it("lists exactly the claims with Object.keys, spread and JSON.stringify", () => {
    const keys = Object.keys(claims);
    expect(Object.keys(user)).toEqual(keys);
    const spread: Record<string, unknown> = { ...user };
    expect(Object.keys(spread)).toEqual(keys);
    expect(spread).toEqual(claims);
    expect(JSON.parse(JSON.stringify(user))).toEqual(claims);
    expect(JSON.stringify(user)).toBe(JSON.stringify(claims));
    expect(Object.entries(user)).toEqual(Object.entries(claims));
  });

  it("copies the data it was given (later changes to the input do not leak in)", () => {
    const input: Record<string, unknown> = { sub: "a", list: [1] };
    const copy = createUser(input);
    input["sub"] = "b";
    (input["list"] as number[]).push(2);
    expect(copy.sub).toBe("a");
    expect(copy["list"]).toEqual([1]);
  });

  it("has no is_logged_in key when built from {}", () => {
    const empty = createUser({});
    expect("is_logged_in" in empty).toBe(false);
    expect(empty.is_logged_in).toBeUndefined();
    expect(Object.keys(empty)).toEqual([]);
    expect(JSON.stringify(empty)).toBe("{}");
    expect(empty.to_dict()).toEqual({});
    expect(empty.tokens).toEqual({});
  });
});

describe("to_dict()", () => {
  it("returns a plain, mutable deep copy", () => {
    const user = createUser(claims);
    const dict = user.to_dict();
    expect(dict).toEqual(claims);
    expect(Object.getPrototypeOf(dict)).toBe(Object.prototype);
    expect(Object.isFrozen(dict)).toBe(false);
    expect(Object.isFrozen(dict["groups"])).toBe(false);

    dict.email = "changed@example.com";
    (dict["groups"] as string[]).push("hackers");
    (dict["address"] as { country: string }).country = "FR";
    delete dict.name;

    expect(user.email).toBe("ada@example.com");
    expect(user["groups"]).toEqual(["admins", "engineering"]);
    expect(user["address"]).toEqual({ country: "UK", lines: ["1 Analytical Engine St"] });
    expect(user.name).toBe("Ada Lovelace");
    expect(user.to_dict()).toEqual(claims);
  });

  it("returns a new copy on every call", () => {
    const user = createUser(claims);
    expect(user.to_dict()).not.toBe(user.to_dict());
  });

  it("never includes tokens", () => {
    const user = createUser(claims, { id: "id-token", access: "access-token" });
    expect(user.to_dict()).toEqual(claims);
    expect(JSON.stringify(user.to_dict())).not.toContain("token");
  });
});

describe("writes", () => {
  const user = createUser(claims);

  it("throws UserModificationError on assignment by property or key", () => {
    expectModificationError(() => {
      (user as unknown as Record<string, unknown>)["x"] = 1;
    });
    expectModificationError(() => {
      (user as unknown as Record<string, unknown>)["email"] = "evil@example.com";
    });
    expectModificationError(() => {
      (user as unknown as { is_logged_in: boolean }).is_logged_in = false;
    });
    expectModificationError(() => {
      (user as unknown as { to_dict: unknown }).to_dict = () => ({});
    });
    expect(user.email).toBe("ada@example.com");
    expect(user["x"]).toBeUndefined();
  });

  it("throws UserModificationError on delete", () => {
    expectModificationError(() => delete (user as unknown as Record<string, unknown>)["email"]);
    expectModificationError(() => delete (user as unknown as Record<string, unknown>)["missing"]);
    expect(user.email).toBe("ada@example.com");
  });

  it("throws UserModificationError on Object.defineProperty and Object.setPrototypeOf", () => {
    expectModificationError(() => Object.defineProperty(user, "email", { value: "evil@example.com" }));
    expectModificationError(() => Object.defineProperty(user, "new_claim", { value: 1 }));
    expectModificationError(() => Object.setPrototypeOf(user, { polluted: true }));
    expectModificationError(() => Object.setPrototypeOf(user, null));
    expectModificationError(() => Object.assign(user, { email: "x" }));
    expect(user["polluted"]).toBeUndefined();
    expect(user.email).toBe("ada@example.com");
  });

  it("freezes nested arrays and objects", () => {
    const groups = user["groups"] as string[];
    expect(() => groups.push("hackers")).toThrow(TypeError);
    expect(() => {
      groups[0] = "root";
    }).toThrow(TypeError);
    const address = user["address"] as { country: string; lines: string[] };
    expect(() => {
      address.country = "FR";
    }).toThrow(TypeError);
    expect(() => address.lines.push("x")).toThrow(TypeError);
    expect(user["groups"]).toEqual(["admins", "engineering"]);
    expect(user["address"]).toEqual({ country: "UK", lines: ["1 Analytical Engine St"] });
  });
});

describe("tokens", () => {
  it("is an empty object by default", () => {
    const user = createUser(claims);
    expect(user.tokens).toEqual({});
    expect(Object.keys(user.tokens)).toEqual([]);
    expect(user.tokens.id).toBeUndefined();
    expect(user.tokens.access).toBeUndefined();
  });

  it("exposes the given tokens only", () => {
    const user = createUser(claims, { id: "header.payload.signature" });
    expect(user.tokens.id).toBe("header.payload.signature");
    expect(user.tokens.access).toBeUndefined();
    expect(Object.keys(user.tokens)).toEqual(["id"]);
    const both = createUser(claims, { id: "i", access: "a" });
    expect({ ...both.tokens }).toEqual({ id: "i", access: "a" });
  });

  it("is not enumerable on the user and not in its JSON", () => {
    const user = createUser(claims, { id: "id-token-value", access: "access-token-value" });
    expect(Object.keys(user)).not.toContain("tokens");
    expect(Object.getOwnPropertyDescriptor(user, "tokens")).toBeUndefined();
    const json = JSON.stringify(user);
    expect(json).not.toContain("id-token-value");
    expect(json).not.toContain("access-token-value");
    expect(json).not.toContain("tokens");
    expect({ ...user }).not.toHaveProperty("tokens");
  });

  it("cannot be written", () => {
    const user = createUser(claims, { id: "original" });
    expectModificationError(() => {
      (user.tokens as { id?: string }).id = "forged";
    }, "user.tokens object");
    expectModificationError(() => {
      (user.tokens as { access?: string }).access = "forged";
    }, "user.tokens object");
    expectModificationError(() => delete (user.tokens as { id?: string }).id, "user.tokens object");
    expectModificationError(
      () => Object.defineProperty(user.tokens, "access", { value: "forged" }),
      "user.tokens object",
    );
    expectModificationError(() => {
      (user as unknown as { tokens: unknown }).tokens = { id: "forged" };
    });
    expectModificationError(() => {
      (createUser({}).tokens as { id?: string }).id = "forged";
    }, "user.tokens object");
    expect(user.tokens.id).toBe("original");
    expect(createUser({}).tokens).toEqual({});
  });

  it("copies the tokens it was given", () => {
    const tokens: { id?: string } = { id: "original" };
    const user = createUser(claims, tokens);
    tokens.id = "changed";
    expect(user.tokens.id).toBe("original");
  });
});

describe("claims that collide with the user object's API", () => {
  it("drops claims named tokens, to_dict, toJSON or toString; spread, JSON and to_dict keep working", () => {
    const user = createUser({ sub: "1", tokens: ["a", "b"], to_dict: "x", toJSON: "y", toString: "z" }, { id: "t" });
    expect({ ...user }).toEqual({ sub: "1" });
    expect(JSON.parse(JSON.stringify(user))).toEqual({ sub: "1" });
    expect(user.to_dict()).toEqual({ sub: "1" });
    expect(user.tokens.id).toBe("t");
  });

  it("turns into a string like its JSON", () => {
    const user = createUser({ sub: "1", name: "Ada" });
    expect(String(user)).toBe('{"sub":"1","name":"Ada"}');
    expect(`${user}`).toBe('{"sub":"1","name":"Ada"}');
  });
});
