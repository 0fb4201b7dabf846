import type { Metadata } from "next";
import type { ReactNode } from "react";
import { AuthProvider } from "streamlit-auth-nextjs";
import "./globals.css";

export const metadata: Metadata = {
  title: "Streamlit-style login for Next.js",
  description: "login(), logout(), getUser() and useUser() with any OpenID Connect provider",
};

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>
        <AuthProvider>{children}</AuthProvider>
      </body>
    </html>
  );
}
