import { handleLogin } from "../../../../_lib/auth/routes/login";

export const GET = handleLogin;
