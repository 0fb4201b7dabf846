import { cookies } from "next/headers";

// The dynamic page without the plugin: it reads the identity cookie itself (and trusts it without opening it).
export default async function Page() {
  const identity = (await cookies()).get("auth_user");
  return <p>hello {identity ? "cookie" : "nobody"}</p>;
}
