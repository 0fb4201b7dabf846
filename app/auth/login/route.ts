import { handleLogin } from "@/lib/auth/routes/login";

export const GET = handleLogin;
