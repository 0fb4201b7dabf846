import { SessionProvider } from "next-auth/react";
import type { ReactNode } from "react";

// As Auth.js's guide for useSession() in client components: <SessionProvider> around the app in the root layout.
export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>
        <SessionProvider>{children}</SessionProvider>
      </body>
    </html>
  );
}
