import { handleUser } from "@/lib/auth/routes/user";

export const GET = handleUser;
