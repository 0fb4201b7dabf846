import { handleLogout } from "@/lib/auth/routes/logout";

export const GET = handleLogout;
export const POST = handleLogout;
