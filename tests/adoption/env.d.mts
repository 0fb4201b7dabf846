export declare const ADOPTION_APP_PORT: number;
export declare const ADOPTION_IDP_PORT: number;
export declare const ADOPTION_APP_ORIGIN: string;
export declare const ADOPTION_IDP_ORIGIN: string;
export declare const ADOPTION_COOKIE_SECRET: string;
export declare const ADOPTION_CLIENT: { readonly id: string; readonly secret: string };
