import { TomlError } from "smol-toml";
import { describe, expect, it } from "vitest";
import { AuthConfigError, AuthConfigErrorCode, AuthConfigErrors } from "@/lib/auth/config/errors";
import { parseAuthConfig } from "@/lib/auth/config/parse";
import { AuthError } from "@/lib/auth/errors/auth-error";
import { GateConfigError, GateConfigErrorCode, protectionRule } from "@/lib/auth/gate/protect";
import { AccessTokenError, AccessTokenErrorCode } from "@/lib/auth/protocol/access-token-error";
import { AuthFlowError, AuthFlowErrorCode } from "@/lib/auth/protocol/errors";
import { providerFault } from "@/lib/auth/protocol/http";
import { asAccessTokenError } from "@/lib/auth/protocol/refresh";
import { UseUserError, UseUserErrorCode } from "@/lib/auth/user/use-user-error";
import { createUser, UserModificationError } from "@/lib/auth/user/user";

/** One error base class: every error the library throws is an AuthError with a code from an exported constant. */
describe("errors", () => {
  it("every error class is an AuthError whose code is one of its exported constants", () => {
    const config = new AuthConfigError(AuthConfigErrorCode.MISSING_KEY, '"client_id" is missing', {
      source: "secrets.toml",
      fix: "Add it.",
    });
    let modification: unknown;
    try {
      (createUser({ is_logged_in: true }) as unknown as Record<string, unknown>)["email"] = "x";
    } catch (error) {
      modification = error;
    }
    let gate: unknown;
    try {
      protectionRule(["/admin"], ["/other/:path*"]);
    } catch (error) {
      gate = error;
    }
    const cases: Array<[unknown, string, readonly string[]]> = [
      [config, "AuthConfigError", Object.values(AuthConfigErrorCode)],
      [new AuthConfigErrors([config, config]), "AuthConfigErrors", ["CONFIG_ERRORS"]],
      [new AuthFlowError("MISSING_STATE", 400, "Start again."), "AuthFlowError", Object.values(AuthFlowErrorCode)],
      [modification, "UserModificationError", ["USER_READ_ONLY"]],
      [new AccessTokenError("NOT_LOGGED_IN", "Log in."), "AccessTokenError", Object.values(AccessTokenErrorCode)],
      [gate, "GateConfigError", Object.values(GateConfigErrorCode)],
      [new UseUserError("NO_AUTH_PROVIDER", "x"), "UseUserError", Object.values(UseUserErrorCode)],
    ];
    for (const [error, name, codes] of cases) {
      expect(error, name).toBeInstanceOf(AuthError);
      expect(error, name).toBeInstanceOf(Error);
      const { name: actual, code } = error as AuthError;
      expect(actual).toBe(name);
      expect(codes, name).toContain(code);
    }
    expect(modification).toBeInstanceOf(UserModificationError);
    expect(gate).toBeInstanceOf(GateConfigError);
  });

  it("an error caused by another keeps that error as its cause, not a flattened string", () => {
    const refused = Object.assign(new TypeError("fetch failed"), { cause: new Error("connect ECONNREFUSED") });
    const fault = providerFault(refused, "loading its metadata");
    expect(fault.code).toBe(AuthFlowErrorCode.PROVIDER_UNREACHABLE);
    expect(fault.cause).toBe(refused);
    expect(fault.detail).toContain("ECONNREFUSED");
    const refresh = asAccessTokenError(fault);
    expect(refresh.code).toBe(AccessTokenErrorCode.PROVIDER_UNREACHABLE);
    expect(refresh.cause).toBe(fault);

    const state = parseAuthConfig("[auth\nredirect_uri = 1", { source: "secrets.toml" });
    if (state.status !== "invalid") throw new Error("expected an invalid config");
    const syntax = state.errors[0];
    expect(syntax?.code).toBe(AuthConfigErrorCode.TOML_SYNTAX);
    expect(syntax?.cause).toBeInstanceOf(TomlError);
  });

  it("an error of its own has no cause", () => {
    expect("cause" in new AuthFlowError("MISSING_STATE", 400, "Start again.")).toBe(false);
    expect("cause" in new AuthConfigError("NO_CONFIG", "none", { source: "secrets.toml", fix: "Add one." })).toBe(
      false,
    );
  });
});
