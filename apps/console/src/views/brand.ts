export const BRAND = "app-building console";
