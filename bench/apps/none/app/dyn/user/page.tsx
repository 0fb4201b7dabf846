import { getUser } from "../../../../_lib/auth/server/get-user";

export default async function Page() {
  const user = await getUser();
  return <p>hello {String(user.is_logged_in ? user.sub : "nobody")}</p>;
}
