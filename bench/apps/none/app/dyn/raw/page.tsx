import { headers } from "next/headers";

export default async function Page() {
  const cookie = (await headers()).get("cookie") ?? "";
  return <p>hello {cookie.length > 0 ? "cookie" : "nobody"}</p>;
}
