import Link from "next/link";
import type { ReactNode } from "react";

/** The demo's title and navigation, the same on every page (and static: it reads no user). */
export function SiteHeader({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <header className="top">
      <div>
        <h1>{title}</h1>
        {children ? <p className="muted subtitle">{children}</p> : null}
      </div>
      <nav>
        <Link href="/">Home</Link>
        <Link href="/static">Static page</Link>
        <Link href="/protected" prefetch={false}>
          Protected page
        </Link>
      </nav>
    </header>
  );
}
