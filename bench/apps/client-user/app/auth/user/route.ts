import { handleUser } from "../../../../_lib/auth/routes/user";

export const GET = handleUser;
