/** The same identity in every library's cookie (the claims a Google ID token carries, ~600 characters of JSON). */
export function benchClaims(sub = "110169484474386276334"): Record<string, unknown> {
  const now = Math.floor(Date.now() / 1000);
  return {
    iss: "https://accounts.google.com",
    azp: "1234567890-abcdefghijklmnopqrstuvwxyz012345.apps.googleusercontent.com",
    aud: "1234567890-abcdefghijklmnopqrstuvwxyz012345.apps.googleusercontent.com",
    sub,
    email: "ada.lovelace@example.com",
    email_verified: true,
    at_hash: "HK6E_P6Dh8Y93mRNtsDB1Q",
    nonce: "0394852-3190485-2490358",
    name: "Ada Lovelace",
    picture: "https://lh3.googleusercontent.com/a/ACg8ocJ0a1b2c3d4e5f6g7h8i9j0k1l2m3n4o5p6q7r8s9t0u1v2w3x4y5z=s96-c",
    given_name: "Ada",
    family_name: "Lovelace",
    iat: now,
    exp: now + 3600,
  };
}
