import { handleLogout } from "../../../../_lib/auth/routes/logout";

export const GET = handleLogout;
export const POST = handleLogout;
